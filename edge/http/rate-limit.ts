// Per-person budgets: commands over HTTP here, chat frames over the socket (edge/chat). Auth
// routes have better-auth's own limiter.
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';

/** Takes one action from a key's budget: 0 when it may go ahead, else the ms until it may. */
export type Limiter = (key: string) => number;

/**
 * `points` actions per key in each fixed window of `windowMs`, a window starting at the key's
 * first action in it; refused actions count too. Synchronous: a command pays no promise for
 * it. Windows that ended are swept at most once a window, so idle keys cost nothing for long.
 */
export function createLimiter({ points, windowMs }: { points: number; windowMs: number }): Limiter {
  const windows = new Map<string, { used: number; ends: number }>();
  let sweptAt = Date.now();
  return (key) => {
    const now = Date.now();
    if (now - sweptAt >= windowMs) {
      sweptAt = now;
      for (const [k, w] of windows) if (w.ends <= now) windows.delete(k);
    }
    let w = windows.get(key);
    if (!w || w.ends <= now) {
      w = { used: 0, ends: now + windowMs };
      windows.set(key, w);
    }
    w.used++;
    return w.used <= points ? 0 : Math.max(w.ends - now, 1);
  };
}

/**
 * `burst` actions at once, then `perSecond` as they are earned back: a token bucket, for socket
 * frames, where a fixed window would let twice the burst through across a window's edge.
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
    const waitMs = take(c.get('user').id);
    if (waitMs > 0) {
      throw commonErrors.rateLimited(undefined, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
    await next();
  });
}

/**
 * A budget of failures per key: `points` failures in a window (a window starting at the key's
 * first failure in it), then the key is refused until the window ends, asked with `waitMs` before the work a failure costs (a key lookup's read of the
 * log). Successes take nothing. Refusals do not count, so a refused client is free again once
 * its window is over.
 */
export function createFailureBudget({ points, windowMs }: { points: number; windowMs: number }) {
  // The failure that spends the budget is the last one: refused from the next attempt on.
  const take = createLimiter({ points: points - 1, windowMs });
  const blocked = new Map<string, number>();
  let sweptAt = Date.now();
  return {
    /** 0 when the key may try, else the ms until it may. */
    waitMs: (key: string): number => {
      const until = blocked.get(key);
      if (until === undefined) return 0;
      const left = until - Date.now();
      if (left > 0) return left;
      blocked.delete(key);
      return 0;
    },
    /** Counts a failure; past the budget the key waits out the window. */
    failed: (key: string): void => {
      const now = Date.now();
      if (now - sweptAt >= windowMs) {
        sweptAt = now;
        for (const [k, until] of blocked) if (until <= now) blocked.delete(k);
      }
      const wait = take(key);
      if (wait > 0) blocked.set(key, now + wait);
    },
  };
}
