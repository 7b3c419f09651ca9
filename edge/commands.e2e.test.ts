// The command path end to end over HTTP, on real NATS and Postgres: idempotency, concurrency,
// read-your-writes, and every kind of bad input refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityEvents, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let targetId: string;

const lastSeq = async () =>
  (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('identity'))).state.last_seq;
const body = async (res: Response) => (await res.json()) as Record<string, unknown>;

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'parent@family.test' });
  const target = t.client();
  await target.signUp({ email: 'teen@family.test' });
  targetId = (await target.me()).id;
});
afterAll(async () => {
  await t?.stop();
});

describe('a command retried with the same Idempotency-Key', () => {
  it('yields exactly one event and answers the first result again', async () => {
    const send = () =>
      admin.request(`/api/v1/admin/users/${targetId}/role`, {
        body: { role: 'child' },
        headers: { 'Idempotency-Key': 'role-change-1' },
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const a = await body(first);
    expect(await body(second)).toEqual(a);
    const changes = (await identityEvents(t.hub)).filter(
      (e) => e.case === 'roleChanged' && e.value.userId === targetId,
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]?.seq).toBe(a.seq);
  });

  it('refuses the same key reused for a different request', async () => {
    const res = await admin.request(`/api/v1/admin/users/${targetId}/role`, {
      body: { role: 'member' },
      headers: { 'Idempotency-Key': 'role-change-1' },
    });
    expect(res.status).toBe(422);
    expect(await body(res)).toMatchObject({ code: 'idempotency_key_reused' });
  });
});

describe('two concurrent conflicting commands', () => {
  it('give one success and one 409, and one event', async () => {
    const before = await lastSeq();
    const ban = () =>
      admin.request(`/api/v1/admin/users/${targetId}/ban`, { body: { reason: 'homework first' } });
    const [a, b] = await Promise.all([ban(), ban()]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = await body(a.status === 409 ? a : b);
    expect(['conflict', 'identity.already_banned']).toContain(refused.code);
    const bans = (await identityEvents(t.hub)).filter((e) => e.seq > before && e.case === 'userBanned');
    expect(bans).toHaveLength(1);
    expect((await admin.request(`/api/v1/admin/users/${targetId}/unban`, { method: 'POST' })).status).toBe(
      200,
    );
  });
});

describe('read-your-writes', () => {
  it('a query with ?after=<seq> sees the command it follows', async () => {
    const res = await admin.request(`/api/v1/admin/users/${targetId}/role`, { body: { role: 'member' } });
    const { seq } = await body(res);
    const users = (await (await admin.request(`/api/v1/admin/users?after=${seq}`)).json()) as {
      id: string;
      role: string;
    }[];
    expect(users.find((u) => u.id === targetId)?.role).toBe('member');
  });
});

describe('bad input', () => {
  const big = 'x'.repeat(70 * 1024);
  const cases: {
    name: string;
    path?: string;
    init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string };
    status: number;
    code: string;
    field?: string;
  }[] = [
    { name: 'malformed JSON', init: { raw: '{"role":' }, status: 400, code: 'invalid_request' },
    {
      name: 'a JSON array instead of an object',
      init: { raw: '["child"]' },
      status: 400,
      code: 'invalid_request',
    },
    {
      name: 'a wrong type',
      init: { body: { role: 5 } },
      status: 400,
      code: 'invalid_request',
      field: 'role',
    },
    { name: 'a missing field', init: { body: {} }, status: 400, code: 'invalid_request', field: 'role' },
    {
      name: 'an unknown field',
      init: { body: { role: 'child', admin: true } },
      status: 400,
      code: 'invalid_request',
      field: 'admin',
    },
    {
      name: 'an unknown role',
      init: { body: { role: 'owner' } },
      status: 400,
      code: 'identity.unknown_role',
    },
    {
      name: 'an oversize body',
      init: { raw: JSON.stringify({ role: big }) },
      status: 413,
      code: 'payload_too_large',
    },
    {
      name: 'a body that is not JSON',
      init: { raw: 'role=child', headers: { 'Content-Type': 'text/plain' } },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'an over-long Idempotency-Key',
      init: { body: { role: 'child' }, headers: { 'Idempotency-Key': 'k'.repeat(300) } },
      status: 400,
      code: 'invalid_request',
      field: 'Idempotency-Key',
    },
    {
      name: 'a user id that is not an id',
      path: '/api/v1/admin/users/a.b%3E/role',
      init: { body: { role: 'child' } },
      status: 404,
      code: 'identity.user_not_found',
    },
    {
      name: 'an unknown user',
      path: '/api/v1/admin/users/nobody123/role',
      init: { body: { role: 'child' } },
      status: 404,
      code: 'identity.user_not_found',
    },
    {
      name: 'a ban expiry that is not a date',
      path: 'ban',
      init: { body: { expiresAt: 'tomorrow' } },
      status: 400,
      code: 'invalid_request',
      field: 'expiresAt',
    },
    {
      name: 'a ban expiry in the past',
      path: 'ban',
      init: { body: { expiresAt: '2020-01-01T00:00:00Z' } },
      status: 400,
      code: 'identity.ban_expiry_in_past',
    },
    {
      name: 'a non-numeric ?after',
      path: '/api/v1/admin/users?after=soon',
      init: { method: 'GET' },
      status: 400,
      code: 'invalid_request',
      field: 'after',
    },
    {
      name: 'an unknown route',
      path: '/api/v1/nothing-here',
      init: { method: 'GET' },
      status: 404,
      code: 'not_found',
    },
    {
      name: 'an unknown query parameter',
      path: '/api/v1/admin/dead-letters?colour=red',
      init: { method: 'GET' },
      status: 400,
      code: 'invalid_request',
      field: 'colour',
    },
  ];

  for (const c of cases) {
    it(`answers ${c.status} ${c.code} to ${c.name}, and writes nothing`, async () => {
      const before = await lastSeq();
      const path =
        c.path === 'ban'
          ? `/api/v1/admin/users/${targetId}/ban`
          : (c.path ?? `/api/v1/admin/users/${targetId}/role`);
      const { raw, ...init } = c.init;
      const res = raw ? await rawPost(path, raw, init.headers) : await admin.request(path, init);
      expect(res.status).toBe(c.status);
      const payload = await body(res);
      expect(payload).toMatchObject({ code: c.code, error: expect.any(String) });
      expect(JSON.stringify(payload)).not.toMatch(/at .*\.ts:\d+|node_modules/);
      if (c.field) expect(payload.details).toMatchObject({ field: c.field });
      expect(res.headers.get('X-Request-ID')).toBeTruthy();
      expect(await lastSeq()).toBe(before);
    });
  }
});

async function rawPost(path: string, raw: string, headers: Record<string, string> = {}): Promise<Response> {
  const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return t.hub.app.request(`${t.origin}${path}`, {
    method: 'POST',
    headers: { Origin: t.origin, Cookie: cookie, 'Content-Type': 'application/json', ...headers },
    body: raw,
  });
}
