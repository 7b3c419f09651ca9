// Who may sign up and with which role: the first account, HEARTH_ADMIN_EMAIL, the allowed
// email domains, and two first sign-ups at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityEvents, startTestHub, type TestHub } from '../../test/hub.ts';

describe('with an admin email and allowed domains', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      identity: {
        adminEmail: 'boss@elsewhere.test',
        allowedEmailDomains: ['family.test', 'grandma.test'],
        openSignup: false,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('makes the first account admin, the admin email admin (whatever its domain), everyone else member', async () => {
    const first = t.client();
    const boss = t.client();
    const third = t.client();
    expect((await first.signUp({ email: 'first@family.test' })).status).toBe(200);
    expect((await third.signUp({ email: 'third@grandma.test' })).status).toBe(200);
    expect((await boss.signUp({ email: 'Boss@Elsewhere.Test' })).status).toBe(200);
    expect((await first.me()).role).toBe('admin');
    expect((await third.me()).role).toBe('member');
    expect(await boss.me()).toMatchObject({ email: 'boss@elsewhere.test', role: 'admin' });
  });

  it('refuses other domains with 403 identity.email_domain_not_allowed', async () => {
    for (const email of ['intruder@elsewhere.test', 'sly@evil.family.test', 'odd@family.test.evil']) {
      const res = await t.client().signUp({ email });
      expect(res.status, email).toBe(403);
      expect(await res.json()).toEqual({
        error: expect.any(String),
        code: 'identity.email_domain_not_allowed',
      });
    }
    const registered = (await identityEvents(t.hub)).filter((e) => e.case === 'userRegistered');
    expect(registered.map((e) => e.value.email).sort()).toEqual([
      'boss@elsewhere.test',
      'first@family.test',
      'third@grandma.test',
    ]);
  });
});

describe('when several people sign up first at the same time, with open sign-up', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ identity: { openSignup: true } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('makes exactly one of them admin', async () => {
    const clients = Array.from({ length: 6 }, () => t.client());
    const answers = await Promise.all(clients.map((c, i) => c.signUp({ email: `racer${i}@family.test` })));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const roles = await Promise.all(clients.map(async (c) => (await c.me()).role));
    expect(roles.filter((r) => r === 'admin')).toHaveLength(1);
    expect(roles.filter((r) => r === 'member')).toHaveLength(5);
  });
});
