import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describe, expect, it } from 'vitest';
import { clientIp } from './client-address.ts';
import { commandMeta } from './command.ts';
import type { HubEnv } from './context.ts';

/** The meta a keyed command gets, as `user` (an admin acting for them when `impersonatedBy`). */
async function metaOf(user: string, impersonatedBy?: string) {
  const app = new Hono<HubEnv>();
  app.use(
    createMiddleware<HubEnv>(async (c, next) => {
      c.set('user', { id: user } as HubEnv['Variables']['user']);
      c.set('session', { id: 's1', impersonatedBy } as HubEnv['Variables']['session']);
      c.set('requestId', 'r1');
      await next();
    }),
  );
  app.post('/', (c) => c.json(commandMeta(c, { content: 'hi' })));
  const res = await app.request('/', { method: 'POST', headers: { 'Idempotency-Key': 'k1' } });
  return (await res.json()) as { commandId: string; actorId: string; onBehalfOf?: string };
}

describe('a command’s idempotency key', () => {
  it('is scoped to the person who sends it', async () => {
    expect((await metaOf('ann')).commandId).not.toBe((await metaOf('bob')).commandId);
  });

  it('is scoped to whom an admin acts for, so one key used for two people is two commands', async () => {
    const asAnn = await metaOf('ann', 'admin1');
    const asBob = await metaOf('bob', 'admin1');
    expect(asAnn).toMatchObject({ actorId: 'admin1', onBehalfOf: 'ann' });
    expect(asAnn.commandId).not.toBe(asBob.commandId);
    expect(asAnn.commandId).not.toBe((await metaOf('admin1')).commandId);
  });
});

describe('where a command came from', () => {
  it('is the client address the middleware found and the cleaned User-Agent', async () => {
    const app = new Hono<HubEnv>();
    app.use(clientIp([]));
    app.use(
      createMiddleware<HubEnv>(async (c, next) => {
        c.set('user', { id: 'ann' } as HubEnv['Variables']['user']);
        c.set('session', { id: 's1' } as HubEnv['Variables']['session']);
        c.set('requestId', 'r1');
        await next();
      }),
    );
    app.post('/', (c) => c.json(commandMeta(c)));
    const res = await app.request('/', {
      method: 'POST',
      headers: { 'X-Forwarded-For': '203.0.113.9', 'User-Agent': `Firefox/128.0\u0001${'x'.repeat(400)}` },
    });
    const meta = (await res.json()) as { clientIp: string; userAgent: string };
    expect(meta.clientIp).toBe('203.0.113.9');
    expect(meta.userAgent).toBe(`Firefox/128.0${'x'.repeat(256 - 13)}`);
  });
});
