// better-auth's own routes keep the log's boundary too: a string Postgres cannot store is a
// 400 with the envelope before better-auth sees it, signed in or not, and the routes still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let member: TestClient;

beforeAll(async () => {
  t = await startTestHub();
  member = t.client();
  expect((await member.signUp({ email: 'mum@family.test' })).status).toBe(200);
});
afterAll(() => t?.stop());

const refused = async (res: Response, field: string) => {
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({
    code: 'invalid_request',
    error: expect.any(String),
    details: { field },
  });
};

describe.each([
  ['NUL', 'a\u0000b'],
  ['a lone high surrogate', 'a\uD800b'],
  ['a lone low surrogate', 'a\uDC00b'],
])('an /api/auth request holding %s', (_, bad) => {
  it('is refused when nobody is signed in (a password reset token)', async () => {
    const res = await t
      .client()
      .request('/api/auth/reset-password', { body: { newPassword: 'long enough', token: bad } });
    await refused(res, 'token');
  });

  it('is refused when someone is (a session token to revoke)', async () => {
    await refused(await member.request('/api/auth/revoke-session', { body: { token: bad } }), 'token');
  });

  it('is refused in a sign-in email', async () => {
    await refused(
      await t.client().request('/api/auth/sign-in/email', { body: { email: bad, password: 'x' } }),
      'email',
    );
  });
});

describe('an /api/auth path or query holding NUL', () => {
  it('is refused', async () => {
    await refused(await t.client().request('/api/auth/reset-password/%00?callbackURL=/'), 'path');
    await refused(await t.client().request('/api/auth/get-session?x=%00'), 'x');
  });
});

describe('a request that is fine', () => {
  it('still reaches better-auth with its body intact', async () => {
    const again = t.client();
    expect((await again.signIn({ email: 'mum@family.test' })).status).toBe(200);
    expect((await again.me()).email).toBe('mum@family.test');
  });
});
