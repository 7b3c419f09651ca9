// Self-service over HTTP: name, avatar and password through better-auth, recorded on the
// log by the outbox, for any role, for oneself only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  identityEvents,
  type LoggedEvent,
  PASSWORD,
  startTestHub,
  type TestClient,
  type TestHub,
} from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let kid: TestClient;
let kidId: string;

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'root@family.test' });
  kid = t.client();
  await kid.signUp({ email: 'kid@family.test', name: 'Kid' });
  kidId = (await kid.me()).id;
  const res = await admin.request(`/api/v1/admin/users/${kidId}/role`, {
    method: 'POST',
    body: { role: 'child' },
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

describe('GET /me', () => {
  it('answers the signed-in user', async () => {
    const res = await kid.request('/api/v1/me');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      id: kidId,
      email: 'kid@family.test',
      role: 'child',
      name: 'Kid',
    });
  });
});

describe('GET /me/permissions', () => {
  it('answers what the role is granted, from the table the routes check', async () => {
    const { grants } = await import('../http/permissions.ts');
    const expected = (role: keyof typeof grants) =>
      Object.entries(grants[role] as Record<string, readonly string[]>)
        .flatMap(([resource, actions]) => actions.map((a) => `${resource}.${a}`))
        .sort();
    const mine = await json<{ role: string; granted: string[] }>(await kid.request('/api/v1/me/permissions'));
    expect(mine.role).toBe('child');
    expect([...mine.granted].sort()).toEqual(expected('child'));
    expect(mine.granted).not.toContain('chat.create');
    const root = await json<{ granted: string[] }>(await admin.request('/api/v1/me/permissions'));
    expect([...root.granted].sort()).toEqual(expected('admin'));
  });
});

describe('PATCH /me', () => {
  it('changes name and avatar, records ProfileUpdated and shows in the directory', async () => {
    const res = await kid.request('/api/v1/me', {
      method: 'PATCH',
      body: { name: 'Kiddo', image: 'https://family.test/kiddo.png' },
    });
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);
    const event = (await identityEvents(t.hub)).find((e) => e.seq === seq);
    expect(event).toMatchObject({
      case: 'profileUpdated',
      subject: t.hub.deps.log.names.identity.account(kidId),
      value: { userId: kidId, name: 'Kiddo', image: 'https://family.test/kiddo.png' },
    });
    expect(await kid.me()).toMatchObject({ name: 'Kiddo' });
    const users = await json<{ id: string; name: string; image: string | null }[]>(
      await admin.request(`/api/v1/admin/users?after=${seq}`),
    );
    expect(users.find((u) => u.id === kidId)).toMatchObject({
      name: 'Kiddo',
      image: 'https://family.test/kiddo.png',
    });
  });

  it('records only what changed, and clears the avatar with null', async () => {
    const res = await kid.request('/api/v1/me', { method: 'PATCH', body: { image: null } });
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);
    const event = (await identityEvents(t.hub)).find((e) => e.seq === seq);
    expect(event?.case).toBe('profileUpdated');
    expect(event?.value).toMatchObject({ userId: kidId, image: '' });
    expect(event?.case === 'profileUpdated' && event.value.name).toBeUndefined();
  });

  it('answers seq null when nothing changed', async () => {
    const res = await kid.request('/api/v1/me', { method: 'PATCH', body: { name: 'Kiddo' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ seq: null });
  });

  it('refuses an avatar that is not a web URL, and unknown fields', async () => {
    for (const body of [{ image: 'javascript:alert(1)' }, { name: 'x', role: 'admin' }, {}, { name: null }]) {
      const res = await kid.request('/api/v1/me', { method: 'PATCH', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await json(res)).toMatchObject({ code: 'invalid_request' });
    }
  });
});

describe('POST /me/password', () => {
  it('refuses a wrong current password', async () => {
    const res = await kid.request('/api/v1/me/password', {
      body: { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
    });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'identity.invalid_password' });
  });

  it('changes the password, records PasswordChanged, and only the new one signs in', async () => {
    const res = await kid.request('/api/v1/me/password', {
      body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
    });
    expect(res.status).toBe(200);
    const { seq } = await json<{ seq: number }>(res);
    expect((await identityEvents(t.hub)).find((e) => e.seq === seq)).toMatchObject({
      case: 'passwordChanged',
      value: { userId: kidId },
    });
    expect((await t.client().signIn({ email: 'kid@family.test' })).status).toBe(401);
    expect(
      (await t.client().signIn({ email: 'kid@family.test', password: 'a brand new secret' })).status,
    ).toBe(200);
  });

  it('can end every other session, keeping this one signed in', async () => {
    const other = t.client();
    expect((await other.signIn({ email: 'kid@family.test', password: 'a brand new secret' })).status).toBe(
      200,
    );
    const res = await kid.request('/api/v1/me/password', {
      body: {
        currentPassword: 'a brand new secret',
        newPassword: 'another new secret',
        revokeOtherSessions: true,
      },
    });
    expect(res.status).toBe(200);
    expect((await other.request('/api/auth/get-session')).status).toBe(401);
    expect(await kid.me()).toMatchObject({ id: kidId });
  });
});

describe('signing out', () => {
  it('records SignedOut for the session', async () => {
    const session = await json<{ session: { id: string } }>(await kid.request('/api/auth/get-session'));
    const res = await kid.request('/api/auth/sign-out', { method: 'POST', body: {} });
    expect(res.status).toBe(200);
    expect((await kid.request('/api/auth/get-session')).status).toBe(401);
    const signedOut = await eventually(async () =>
      (await identityEvents(t.hub)).find(
        (e): e is Extract<LoggedEvent, { case: 'signedOut' }> =>
          e.case === 'signedOut' && e.value.sessionId === session.session.id,
      ),
    );
    expect(signedOut.value.userId).toBe(kidId);
  });
});
