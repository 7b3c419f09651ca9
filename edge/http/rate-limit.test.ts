import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HubEnv } from './context.ts';
import { onError } from './errors.ts';
import { commandRateLimit, createFailureBudget, createLimiter, createTokenBucket } from './rate-limit.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a limiter', () => {
  it('lets a key take its points in a window, then says how long to wait', () => {
    const take = createLimiter({ points: 3, windowMs: 4000 });
    expect([take('ann'), take('ann'), take('ann')]).toEqual([0, 0, 0]);
    expect(take('ann')).toBe(4000);
    expect(take('bob')).toBe(0);
    vi.advanceTimersByTime(2500);
    expect(take('ann')).toBe(1500);
    vi.advanceTimersByTime(1500);
    expect(take('ann')).toBe(0);
  });

  it('counts refused actions too, and starts a window at the first action after one ended', () => {
    const take = createLimiter({ points: 1, windowMs: 1000 });
    expect(take('ann')).toBe(0);
    vi.advanceTimersByTime(900);
    expect(take('ann')).toBe(100);
    vi.advanceTimersByTime(5000);
    expect(take('ann')).toBe(0);
    vi.advanceTimersByTime(999);
    expect(take('ann')).toBe(1);
  });
});

describe('a failure budget', () => {
  it('lets a key fail its points, then refuses it until the window ends; successes are free', () => {
    const budget = createFailureBudget({ points: 2, windowMs: 1000 });
    expect(budget.waitMs('ann')).toBe(0);
    budget.failed('ann');
    expect(budget.waitMs('ann')).toBe(0);
    vi.advanceTimersByTime(200);
    budget.failed('ann');
    expect(budget.waitMs('ann')).toBe(800);
    expect(budget.waitMs('bob')).toBe(0);
    vi.advanceTimersByTime(400);
    expect(budget.waitMs('ann')).toBe(400);
    vi.advanceTimersByTime(400);
    expect(budget.waitMs('ann')).toBe(0);
    budget.failed('ann');
    expect(budget.waitMs('ann')).toBe(0);
  });
});

describe('a token bucket', () => {
  const takeMany = (take: (key: string) => number, n: number) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) if (take('ann') === 0) allowed++;
    return allowed;
  };

  it('allows the burst at once, then the steady rate, and the burst again after a pause', () => {
    const take = createTokenBucket({ burst: 20, perSecond: 5 });
    expect(takeMany(take, 25)).toBe(20);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(200);
      expect(takeMany(take, 3)).toBe(1);
    }
    vi.advanceTimersByTime(4000);
    expect(takeMany(take, 25)).toBe(20);
  });

  it('holds the steady rate however long someone keeps asking', () => {
    const take = createTokenBucket({ burst: 20, perSecond: 5 });
    let allowed = 0;
    // 100 attempts a second for 12 s: the burst, then 5 a second.
    for (let ms = 0; ms < 12_000; ms += 10) {
      allowed += takeMany(take, 1);
      vi.advanceTimersByTime(10);
    }
    expect(allowed).toBeGreaterThanOrEqual(79);
    expect(allowed).toBeLessThanOrEqual(81);
  });

  it('says how long until the next one', () => {
    const take = createTokenBucket({ burst: 1, perSecond: 5 });
    expect(take('ann')).toBe(0);
    expect(take('ann')).toBe(200);
    expect(take('bob')).toBe(0);
  });
});

function app(limit: number, notCommands: string[] = []) {
  const app = new Hono<HubEnv>();
  app.onError(onError);
  app.use(
    createMiddleware<HubEnv>(async (c, next) => {
      c.set('user', { id: c.req.header('X-User') ?? 'ann' } as HubEnv['Variables']['user']);
      await next();
    }),
  );
  app.use(commandRateLimit({ limit, windowMs: 60_000, notCommands }));
  app.all('/', (c) => c.json({ ok: true }));
  app.post('/ws-token', (c) => c.json({ ok: true }));
  return app;
}

describe('the command rate limit', () => {
  it('answers 429 rate_limited with Retry-After once a person is over the limit', async () => {
    const hub = app(2);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(200);
    vi.advanceTimersByTime(20_000);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(200);
    const limited = await hub.request('/', { method: 'POST' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('40');
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    expect((await hub.request('/', { method: 'POST', headers: { 'X-User': 'bob' } })).status).toBe(200);
    vi.advanceTimersByTime(40_000);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(200);
  });

  it('counts writes only', async () => {
    const hub = app(1);
    for (let i = 0; i < 5; i++) expect((await hub.request('/')).status).toBe(200);
    expect((await hub.request('/', { method: 'DELETE' })).status).toBe(200);
    expect((await hub.request('/', { method: 'PATCH' })).status).toBe(429);
  });
});

describe('a write that is not a command', () => {
  it('still goes through for a person who spent their command budget', async () => {
    const hub = app(1, ['/ws-token']);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(200);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(429);
    expect((await hub.request('/ws-token', { method: 'POST' })).status).toBe(200);
  });

  it('does not spend the command budget, and has a budget of its own', async () => {
    const hub = app(1, ['/ws-token']);
    expect((await hub.request('/ws-token', { method: 'POST' })).status).toBe(200);
    expect((await hub.request('/', { method: 'POST' })).status).toBe(200);
    expect((await hub.request('/ws-token', { method: 'POST' })).status).toBe(429);
  });
});
