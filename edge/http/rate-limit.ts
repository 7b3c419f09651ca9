// A per-user budget for commands (writes). Auth routes have better-auth's own limiter.
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';

export function commandRateLimit({ limit, windowMs }: { limit: number; windowMs: number }) {
  const windows = new Map<string, { start: number; count: number }>();
  return createMiddleware<HubEnv>(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const now = Date.now();
    const key = c.get('user').id;
    let w = windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(key, w);
      if (windows.size > 50_000) prune(windows, now, windowMs);
    }
    w.count += 1;
    if (w.count > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
      throw commonErrors.rateLimited(undefined, { retryAfterSeconds });
    }
    await next();
  });
}

function prune(windows: Map<string, { start: number }>, now: number, windowMs: number) {
  for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
}
