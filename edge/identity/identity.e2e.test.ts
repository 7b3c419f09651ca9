// The identity domain over HTTP, on a whole hub with real NATS and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  identityEvents,
  PASSWORD,
  startTestHub,
  type TestClient,
  type TestHub,
} from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let adminId: string;
let ann: TestClient;
let annId: string;

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const eventOf = async (kind: string, userId: string) =>
  eventually(
    async () =>
      (await identityEvents(t.hub)).find(
        (e) => e.case === kind && 'userId' in e.value && e.value.userId === userId,
      ),
    {
      what: `${kind} for ${userId}`,
    },
  );

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  expect((await admin.signUp({ email: 'Root@Family.test', name: 'Root' })).status).toBe(200);
  adminId = (await admin.me()).id;
  ann = t.client();
  expect((await ann.signUp({ email: 'ann@family.test', name: 'Ann' })).status).toBe(200);
  annId = (await ann.me()).id;
});
afterAll(async () => {
  await t?.stop();
});

describe('signing up', () => {
  it('makes the first account admin and the second a member', async () => {
    expect(await admin.me()).toMatchObject({ email: 'root@family.test', role: 'admin' });
    expect(await ann.me()).toMatchObject({ email: 'ann@family.test', role: 'member' });
  });

  it('records each UserRegistered with its initial role', async () => {
    expect((await eventOf('userRegistered', adminId)).value).toMatchObject({ role: 'admin' });
  });

  it('records UserRegistered with the initial role, and the sign-in', async () => {
    const registered = await eventOf('userRegistered', annId);
    expect(registered.subject).toBe(t.hub.deps.log.names.identity.account(annId));
    expect(registered.value).toMatchObject({ email: 'ann@family.test', name: 'Ann', role: 'member' });
    expect(registered.metadata?.actorId).toBe(annId);
    const signedIn = await eventOf('signedIn', annId);
    expect(signedIn.subject).toBe(t.hub.deps.log.names.identity.sessions(annId));
    expect(signedIn.value).toMatchObject({ ipAddress: ann.ip });
  });

  it('refuses a picture in the sign-up body: it is set afterwards through /api/v1/me', async () => {
    const res = await t.client().request('/api/auth/sign-up/email', {
      body: { email: 'pic@family.test', password: PASSWORD, name: 'Pic', image: 'javascript:alert(1)' },
    });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'identity.field_not_allowed' });
  });

  it('refuses a role asked for in the sign-up body', async () => {
    const res = await t.client().request('/api/auth/sign-up/email', {
      body: { email: 'sneaky@family.test', password: PASSWORD, name: 'Sneaky', role: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: 'identity.field_not_allowed' });
  });
});

describe('GET /api/auth/get-session', () => {
  it('answers exactly the user and session fields', async () => {
    const res = await ann.request('/api/auth/get-session');
    expect(res.status).toBe(200);
    const body = await json<{ user: Record<string, unknown>; session: Record<string, unknown> }>(res);
    expect(Object.keys(body).sort()).toEqual(['session', 'user']);
    expect(Object.keys(body.user).sort()).toEqual(
      ['banned', 'createdAt', 'email', 'emailVerified', 'id', 'image', 'name', 'role', 'updatedAt'].sort(),
    );
    expect(Object.keys(body.session).sort()).toEqual(
      ['expiresAt', 'id', 'ipAddress', 'userAgent', 'userId'].sort(),
    );
    expect(body.user).toMatchObject({ id: annId, role: 'member', banned: false, emailVerified: false });
    expect(body.session.userId).toBe(annId);
  });

  it('answers 401 with nulls without a session', async () => {
    const res = await t.client().request('/api/auth/get-session');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ user: null, session: null });
  });

  it('answers 401 with nulls for a forged cookie', async () => {
    const stranger = t.client();
    stranger.cookies.set('better-auth.session_token', 'forged.value');
    const res = await stranger.request('/api/auth/get-session');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ user: null, session: null });
  });
});

describe('better-auth behind Hearth', () => {
  it('refuses its own admin endpoints with 404', async () => {
    for (const path of [
      '/api/auth/admin/list-users',
      '/api/auth/admin/set-role',
      '/api/auth/Admin/ban-user',
      // Each would write a member's rows with no Hearth permission check, as the admin.
      '/api/auth/admin/update-user',
      '/api/auth/admin/set-user-password',
      '/api/auth/admin/create-user',
      '/api/auth/admin/revoke-user-sessions',
    ]) {
      const res = await admin.request(path, { body: { userId: annId, role: 'admin' } });
      expect(res.status, path).toBe(404);
      expect(await json(res)).toMatchObject({ code: 'not_found' });
    }
    expect((await ann.me()).role).toBe('member');
  });

  it('refuses update-user, so profile changes go through /api/v1/me', async () => {
    const res = await ann.request('/api/auth/update-user', { body: { name: 'Sneaky' } });
    expect(res.status).toBe(404);
  });

  it('answers its errors in the { error, code } envelope', async () => {
    const res = await t.client().signUp({ email: 'ann@family.test' });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(['code', 'error']);
    expect(body.code).toBe('identity.user_already_exists_use_another_email');
  });
});

describe('signing in', () => {
  it('records a failed sign-in for a known email', async () => {
    const res = await t.client().signIn({ email: 'ann@family.test', password: 'not the password' });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({
      error: expect.any(String),
      code: 'identity.invalid_email_or_password',
    });
    const failed = await eventOf('signInFailed', annId);
    expect(failed.subject).toBe(t.hub.deps.log.names.identity.sessions(annId));
    expect(failed.value).toMatchObject({ email: 'ann@family.test', reason: 'invalid_email_or_password' });
  });

  it('records a failed sign-in for an unknown email without a user', async () => {
    const stranger = t.client();
    await stranger.signIn({ email: 'nobody@family.test' });
    const failed = await eventually(
      async () =>
        (await identityEvents(t.hub)).find(
          // Only the domain of an address that matches no account: nothing to seal it under.
          (e) => e.case === 'signInFailed' && e.value.email === '@family.test' && e.value.userId === '',
        ),
      { what: 'the failed sign-in' },
    );
    expect(failed.value).toMatchObject({ userId: '', ipAddress: stranger.ip });
  });

  it('limits attempts: over the limit is 429 rate_limited with Retry-After', async () => {
    const hammer = t.client();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await hammer.signIn({ email: 'ann@family.test', password: `guess ${i}` });
      statuses.push(last.status);
    }
    expect(statuses).toContain(429);
    const limited = last as Response;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await json(limited)).toEqual({ error: expect.any(String), code: 'rate_limited' });
  });
});
