import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describe, expect, it } from 'vitest';
import { commonErrors } from '../../contracts/errors.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { clientIp } from '../http/client-address.ts';
import type { HubEnv } from '../http/context.ts';
import type { RefusedAttempt } from '../http/deps.ts';
import { onError } from '../http/errors.ts';
import { mainParameter, recordRefusedAuth, recordRefusedCommands } from './refusals-http.ts';

/** An app whose routes answer as told, behind the recorders, signed in as `ann` (or an admin as her). */
function appWith(impersonatedBy?: string) {
  const seen: RefusedAttempt[] = [];
  const record = (a: RefusedAttempt | Promise<RefusedAttempt | undefined>) => {
    if (!(a instanceof Promise)) return seen.push(a);
    void a.then((found) => found && seen.push(found));
  };
  const app = new Hono<HubEnv>();
  app.onError(onError);
  app.use(clientIp([]));
  app.use('/api/auth/*', recordRefusedAuth(record));
  app.post('/api/auth/sign-in/email', (c) => c.json({ error: 'slow down', code: 'rate_limited' }, 429));
  app.post('/api/auth/sign-up/email', (c) => c.json({ ok: true }));
  const api = new Hono<HubEnv>();
  api.use(
    createMiddleware<HubEnv>(async (c, next) => {
      c.set('user', { id: 'ann' } as HubEnv['Variables']['user']);
      c.set('session', { id: 's1', impersonatedBy } as HubEnv['Variables']['session']);
      await next();
    }),
  );
  api.use(recordRefusedCommands(record));
  api.post('/channels/:channelId/members/:userId', () => {
    throw commonErrors.forbidden();
  });
  api.get('/admin/users', () => {
    throw commonErrors.forbidden();
  });
  api.post('/messages', () => {
    throw commonErrors.rateLimited(undefined, { retryAfterSeconds: 1 });
  });
  api.post('/ok', (c) => c.json({ ok: true }));
  app.route('/api/v1', api);
  const send = (path: string, method = 'POST') =>
    app.request(path, { method, headers: { 'X-Forwarded-For': '198.51.100.4', 'User-Agent': 'ua/1' } });
  return { seen, send };
}

describe('a command refused by a permission', () => {
  it('is handed over with its route pattern, last parameter, code, actor and address', async () => {
    const { seen, send } = appWith();
    expect((await send('/api/v1/channels/c1/members/bob')).status).toBe(403);
    expect(seen).toEqual([
      {
        kind: RefusalKind.FORBIDDEN,
        action: 'POST /api/v1/channels/:channelId/members/:userId',
        target: 'bob',
        code: 'forbidden',
        actorId: 'ann',
        onBehalfOf: undefined,
        clientIp: '198.51.100.4',
        userAgent: 'ua/1',
      },
    ]);
  });

  it('names the admin as the actor during impersonation, acting for the person', async () => {
    const { seen, send } = appWith('admin1');
    await send('/api/v1/channels/c1/members/bob');
    expect(seen[0]).toMatchObject({ actorId: 'admin1', onBehalfOf: 'ann' });
  });

  it('is not a read refused, nor a command that went through', async () => {
    const { seen, send } = appWith();
    expect((await send('/api/v1/admin/users', 'GET')).status).toBe(403);
    expect((await send('/api/v1/ok')).status).toBe(200);
    expect(seen).toEqual([]);
  });
});

describe('a rate limit', () => {
  it('is handed over for a command', async () => {
    const { seen, send } = appWith();
    expect((await send('/api/v1/messages')).status).toBe(429);
    expect(seen[0]).toMatchObject({
      kind: RefusalKind.RATE_LIMITED,
      action: 'POST /api/v1/messages',
      target: '',
      code: 'rate_limited',
      actorId: 'ann',
    });
  });

  it('is handed over for better-auth’s routes, from the address', async () => {
    const { seen, send } = appWith();
    expect((await send('/api/auth/sign-in/email')).status).toBe(429);
    expect((await send('/api/auth/sign-up/email')).status).toBe(200);
    expect(seen).toEqual([
      {
        kind: RefusalKind.RATE_LIMITED,
        action: 'POST /api/auth/sign-in/email',
        code: 'rate_limited',
        clientIp: '198.51.100.4',
        userAgent: 'ua/1',
      },
    ]);
  });
});

describe('a banned person signing in', () => {
  it('is a failed sign-in with the ban’s code, from the account typed', async () => {
    const seen: RefusedAttempt[] = [];
    const app = new Hono<HubEnv>();
    app.use(clientIp([]));
    app.use(
      '/api/auth/*',
      recordRefusedAuth((a) => {
        if (a instanceof Promise) void a.then((found) => found && seen.push(found));
        else seen.push(a);
      }),
    );
    app.post('/api/auth/sign-in/email', (c) =>
      c.json({ error: 'You are banned.', code: 'identity.banned' }, 403),
    );
    const res = await app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Forwarded-For': '198.51.100.9',
        'User-Agent': 'ua/2',
      },
      body: JSON.stringify({ email: 'bob@family.test', password: 'right' }),
    });
    expect(res.status).toBe(403);
    // Handed over as a promise read after the answer: wait until it is.
    for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([
      {
        kind: RefusalKind.SIGN_IN_FAILED,
        action: 'POST /api/auth/sign-in/email',
        code: 'identity.banned',
        account: 'bob@family.test',
        clientIp: '198.51.100.9',
        userAgent: 'ua/2',
      },
    ]);
  });
});

describe('the target of a refusal', () => {
  it('is the route’s last path parameter, decoded', () => {
    expect(mainParameter('/api/v1/admin/users/:id/role', '/api/v1/admin/users/u%2D1/role')).toBe('u-1');
    expect(mainParameter('/api/v1/messages', '/api/v1/messages')).toBe('');
    expect(mainParameter('/api/v1/*', '/api/v1/a/b')).toBe('');
    expect(mainParameter('/api/v1/files/:id', '/api/v1/files/%E0%A4%A')).toBe('%E0%A4%A');
  });
});
