// Admin decisions over HTTP: each is a command on the log, applied to better-auth's tables by
// identity_access before the admin gets the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, identityEvents, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let adminId: string;

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const post = (client: TestClient, path: string, body: unknown = {}) =>
  client.request(`/api/v1${path}`, { method: 'POST', body });

async function member(email: string): Promise<{ client: TestClient; id: string }> {
  const client = t.client();
  expect((await client.signUp({ email })).status).toBe(200);
  return { client, id: (await client.me()).id };
}

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'root@family.test' });
  adminId = (await admin.me()).id;
});
afterAll(async () => {
  await t?.stop();
});

describe('listing users', () => {
  it('lists every account from the users read model, waiting for ?after', async () => {
    const { id } = await member('lister@family.test');
    const registered = await eventually(async () =>
      (await identityEvents(t.hub)).find((e) => e.case === 'userRegistered' && e.value.userId === id),
    );
    const res = await admin.request(`/api/v1/admin/users?after=${registered.seq}`);
    expect(res.status).toBe(200);
    const users = await json<{ id: string; role: string }[]>(res);
    expect(users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: adminId, role: 'admin' }),
        expect.objectContaining({ id, role: 'member' }),
      ]),
    );
  });

  it('answers 400 for an ?after past the end of the log, once the wait is over', async () => {
    const res = await admin.request('/api/v1/admin/users?after=999999');
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'invalid_request', details: { field: 'after' } });
  });
});

describe('changing a role', () => {
  it('appends RoleChanged and the user has the new role on their next request', async () => {
    const kid = await member('kid@family.test');
    const res = await post(admin, `/admin/users/${kid.id}/role`, { role: 'child' });
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);
    const event = (await identityEvents(t.hub)).find((e) => e.seq === seq);
    expect(event).toMatchObject({
      case: 'roleChanged',
      subject: t.hub.deps.log.names.identity.account(kid.id),
      value: { userId: kid.id, fromRole: 'member', toRole: 'child' },
    });
    expect(event?.metadata?.actorId).toBe(adminId);
    expect((await kid.client.me()).role).toBe('child');
  });

  it('refuses an unknown role with 400 identity.unknown_role', async () => {
    const { id } = await member('unknown-role@family.test');
    const res = await post(admin, `/admin/users/${id}/role`, { role: 'owner' });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'identity.unknown_role' });
  });

  it('refuses an admin changing their own role', async () => {
    const res = await post(admin, `/admin/users/${adminId}/role`, { role: 'member' });
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ code: 'identity.cannot_change_own_role' });
  });

  it('answers 404 for a user that does not exist', async () => {
    const res = await post(admin, '/admin/users/nobody-at-all/role', { role: 'child' });
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ code: 'identity.user_not_found' });
  });

  it('refuses a body with unknown fields', async () => {
    const res = await post(admin, `/admin/users/${adminId}/role`, { role: 'child', extra: 1 });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'invalid_request' });
  });
});

describe('banning', () => {
  it('ends the banned user’s sessions before the admin gets the answer', async () => {
    const bob = await member('bob@family.test');
    const second = t.client();
    expect((await second.signIn({ email: 'bob@family.test' })).status).toBe(200);

    const res = await post(admin, `/admin/users/${bob.id}/ban`, { reason: 'spam' });
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);

    for (const client of [bob.client, second]) {
      expect((await client.request('/api/auth/get-session')).status).toBe(401);
      expect((await client.request('/api/v1/me')).status).toBe(401);
    }
    const refused = await t.client().signIn({ email: 'bob@family.test' });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ code: 'identity.banned' });

    const event = (await identityEvents(t.hub)).find((e) => e.seq === seq);
    expect(event).toMatchObject({ case: 'userBanned', value: { userId: bob.id, reason: 'spam' } });
    const sessions = await admin.request(`/api/v1/admin/users/${bob.id}/sessions`);
    expect(await sessions.json()).toEqual([]);
  });

  it('bans until a time, and refuses a time in the past', async () => {
    const { id } = await member('until@family.test');
    const past = await post(admin, `/admin/users/${id}/ban`, { expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(await json(past)).toMatchObject({ code: 'identity.ban_expiry_in_past' });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await post(admin, `/admin/users/${id}/ban`, { expiresAt: until })).status).toBe(200);
    const again = await post(admin, `/admin/users/${id}/ban`, {});
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'identity.already_banned' });
  });

  it('lets an unbanned user sign in again', async () => {
    const carol = await member('carol@family.test');
    expect((await post(admin, `/admin/users/${carol.id}/ban`, {})).status).toBe(200);
    expect((await carol.client.signIn({ email: 'carol@family.test' })).status).toBe(403);
    const res = await post(admin, `/admin/users/${carol.id}/unban`);
    expect(res.status).toBe(200);
    expect((await carol.client.signIn({ email: 'carol@family.test' })).status).toBe(200);
    expect(await carol.client.me()).toMatchObject({ id: carol.id, role: 'member' });
    const unbanAgain = await post(admin, `/admin/users/${carol.id}/unban`);
    expect(unbanAgain.status).toBe(409);
    expect(await json(unbanAgain)).toMatchObject({ code: 'identity.not_banned' });
  });

  it('refuses an admin banning themselves', async () => {
    const res = await post(admin, `/admin/users/${adminId}/ban`, {});
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ code: 'identity.cannot_ban_self' });
  });
});

describe('sessions', () => {
  it('lists a user’s sessions and revokes one of them', async () => {
    const dan = await member('dan@family.test');
    const phone = t.client();
    await phone.signIn({ email: 'dan@family.test' });
    const list = await admin.request(`/api/v1/admin/users/${dan.id}/sessions`);
    expect(list.status).toBe(200);
    const sessions =
      await json<{ id: string; ipAddress: string; createdAt: string; expiresAt: string }[]>(list);
    expect(sessions).toHaveLength(2);
    expect(Object.keys(sessions[0] ?? {})).toEqual(
      expect.arrayContaining(['id', 'createdAt', 'expiresAt', 'ipAddress', 'userAgent']),
    );
    const phoneSession = sessions.find((s) => s.ipAddress === phone.ip);
    const res = await post(admin, `/admin/users/${dan.id}/sessions/${phoneSession?.id}/revoke`);
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);
    expect((await identityEvents(t.hub)).find((e) => e.seq === seq)).toMatchObject({
      case: 'sessionRevoked',
      subject: t.hub.deps.log.names.identity.sessions(dan.id),
      value: { userId: dan.id, sessionId: phoneSession?.id },
    });
    expect((await phone.request('/api/auth/get-session')).status).toBe(401);
    expect((await dan.client.request('/api/auth/get-session')).status).toBe(200);
  });

  it('revokes all of a user’s sessions', async () => {
    const eve = await member('eve@family.test');
    const tablet = t.client();
    await tablet.signIn({ email: 'eve@family.test' });
    const res = await post(admin, `/admin/users/${eve.id}/sessions/revoke`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ revoked: 2 });
    expect((await eve.client.request('/api/auth/get-session')).status).toBe(401);
    expect((await tablet.request('/api/auth/get-session')).status).toBe(401);
    const revoked = (await identityEvents(t.hub)).filter(
      (e) => e.case === 'sessionRevoked' && e.value.userId === eve.id,
    );
    expect(revoked).toHaveLength(2);
  });

  it('answers 404 for a session that is not that user’s', async () => {
    const fay = await member('fay@family.test');
    const res = await post(admin, `/admin/users/${fay.id}/sessions/not-a-session/revoke`);
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ code: 'identity.session_not_found' });
  });

  it('does not record a revocation as a sign-out', async () => {
    const events = await identityEvents(t.hub);
    const revoked = new Set(events.filter((e) => e.case === 'sessionRevoked').map((e) => e.value.sessionId));
    const signedOut = events.filter((e) => e.case === 'signedOut' && revoked.has(e.value.sessionId));
    expect(signedOut).toEqual([]);
  });
});
