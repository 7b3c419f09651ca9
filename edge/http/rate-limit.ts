// Per-person budgets: commands over HTTP here, chat frames over the socket (edge/chat). Auth
// routes have better-auth's own limiter.
import { createMiddleware } from 'hono/factory';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';

/** Takes one action from a key's budget: 0 when it may go ahead, else the ms until it may. */
export type Limiter = (key: string) => Promise<number>;

/**
 * `points` actions per key in each fixed window of `windowMs`, a window starting at the key's
 * first action in it; refused actions count too. With `burst`, a key that has used its window
 * may take that many more at once, earned back in the time the steady rate takes to earn as
 * many: close to a token bucket of `points + burst` that refills at the steady rate.
 */
export function createLimiter({
  points,
  windowMs,
  burst = 0,
}: {
  points: number;
  windowMs: number;
  burst?: number;
}): Limiter {
  const steady = inMemory(points, windowMs);
  const limiter =
    burst > 0 ? new BurstyRateLimiter(steady, inMemory(burst, (burst / points) * windowMs)) : steady;
  return (key) => limiter.consume(key).then(allowed, refused);
}

// No key prefix: the key is used as it is, without a string built per action.
const inMemory = (points: number, windowMs: number) =>
  new RateLimiterMemory({ points, duration: windowMs / 1000, keyPrefix: '' });

const allowed = () => 0;

function refused(outcome: unknown): number {
  if (outcome instanceof RateLimiterRes) return Math.max(outcome.msBeforeNext, 1);
  throw outcome;
}

/**
 * Each person's budget of commands (writes) per window. Paths in `notCommands` are writes that
 * are not commands, such as asking for a socket ticket: they draw on a budget of their own,
 * so someone who spent theirs on commands can still reconnect.
 */
export function commandRateLimit({
  limit,
  windowMs,
  notCommands = [],
}: {
  limit: number;
  windowMs: number;
  notCommands?: string[];
}) {
  const commands = createLimiter({ points: limit, windowMs });
  const others = createLimiter({ points: limit, windowMs });
  const exempt = new Set(notCommands);
  return createMiddleware<HubEnv>(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const take = exempt.has(c.req.path) ? others : commands;
    const waitMs = await take(c.get('user').id);
    if (waitMs > 0) {
      throw commonErrors.rateLimited(undefined, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
    await next();
  });
}
