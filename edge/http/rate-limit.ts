// Per-person budgets: commands over HTTP here, chat frames over the socket (edge/chat). Auth
// routes have better-auth's own limiter.
import { createMiddleware } from 'hono/factory';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';

/** Takes one action from a key's budget: 0 when it may go ahead, else the ms until it may. */
export type Limiter = (key: string) => Promise<number>;

/**
 * `points` actions per key in each fixed window of `windowMs`, a window starting at the key's
 * first action in it; refused actions count too.
 */
export function createLimiter({ points, windowMs }: { points: number; windowMs: number }): Limiter {
  const limiter = inMemory(points, windowMs);
  return (key) => limiter.consume(key).then(allowed, refused);
}

/**
 * `burst` actions at once, then `perSecond` as they are earned back: a token bucket, for socket
 * frames, where a fixed window would let twice the burst through across a window's edge.
 * rate-limiter-flexible has no in-memory token bucket, and its BurstyRateLimiter adds the burst
 * pool's refill to the steady rate (about twice `perSecond` sustained), so this one is kept.
 * Synchronous: the frame path pays no promise for it.
 */
export function createTokenBucket({ burst, perSecond }: { burst: number; perSecond: number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key: string): number => {
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / perSecond);
  };
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
