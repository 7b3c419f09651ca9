// The way into the family on a hub that keeps strangers out: after the first account, an
// invite made by the admin (its role, its uses, its expiry), and the family told in #Family.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminInvite, InviteMade } from '../../contracts/identity.api.ts';
import { eventually, identityEvents, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import { newInviteToken } from '../../writers/identity/invite-token.ts';
import { makeInvite } from './invites.ts';

let t: TestHub;
let admin: TestClient;

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const tokenOf = (invite: InviteMade) => new URL(invite.link).searchParams.get('invite') ?? '';
const registeredEmails = async () =>
  (await identityEvents(t.hub)).flatMap((e) => (e.case === 'userRegistered' ? [e.value.email] : []));
const refusal = async (res: Response) => ({ status: res.status, code: (await json(res)).code });

beforeAll(async () => {
  t = await startTestHub({ identity: { openSignup: false } });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  expect((await admin.me()).role).toBe('admin');
});
afterAll(async () => {
  await t?.stop();
});

describe('after the first account', () => {
  it('refuses a sign-up without an invite, before anything is recorded', async () => {
    const res = await t.client().signUp({ email: 'stranger@family.test' });
    expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_required' });
    // The relay publishes a registration after its commit: mum's may still be on its way.
    await eventually(async () => ((await registeredEmails()).length > 0 ? true : undefined), {
      timeoutMs: 15_000,
      what: "mum's registration in the log",
    });
    expect(await registeredEmails()).toEqual(['mum@family.test']);
  });

  it('does not tell a stranger whether an email has an account', async () => {
    const res = await t.client().signUp({ email: 'mum@family.test' });
    expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_required' });
  });
});

describe('an invite', () => {
  it('gives the admin a link with an unguessable token; the log keeps only its hash', async () => {
    const res = await admin.request('/api/v1/admin/invites', { body: { role: 'child' } });
    expect(res.status).toBe(201);
    const invite = await json<InviteMade>(res);
    const token = tokenOf(invite);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(token).toBe(invite.token);
    expect(new URL(invite.link).pathname).toBe('/sign-up');
    expect(invite.id).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(invite).toMatchObject({ role: 'child', maxUses: 1 });
    expect(Date.parse(invite.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const created = (await identityEvents(t.hub)).find(
      (e) => e.case === 'inviteCreated' && e.value.inviteId === invite.id,
    );
    expect(created?.subject).toBe(t.hub.deps.log.names.identity.invite(invite.id));
    expect(created?.value).toMatchObject({ role: 'child', maxUses: 1, createdBy: (await admin.me()).id });
    const stored = await t.hub.deps.log.jsm.direct.getMessage(t.hub.deps.log.names.stream('identity'), {
      seq: created?.seq ?? 0,
    });
    expect(Buffer.from(stored?.data ?? []).includes(token)).toBe(false);
  });

  it('lets someone sign up with the invite’s role, records the use, and tells the family', async () => {
    const invite = await t.invite(admin, { role: 'child' });
    const kid = t.client();
    expect(
      (await kid.signUp({ email: 'kid@elsewhere.test', name: 'Kit', invite: invite.token })).status,
    ).toBe(200);
    const me = await kid.me();
    expect(me.role).toBe('child');

    const used = await eventually(async () =>
      (await identityEvents(t.hub)).find((e) => e.case === 'inviteUsed' && e.value.inviteId === invite.id),
    );
    expect(used.value).toMatchObject({ userId: me.id, usesLeft: 0 });
    expect(used.metadata?.actorId).toBe(me.id);

    const line = await eventually(
      async () => {
        const res = await admin.request('/api/v1/messages?channel=family&limit=50');
        const messages = await json<{ sender_id: string; content: string; mentions: string[] }[]>(res);
        return messages.find(
          (m) => m.sender_id === '' && m.content === 'joined as child' && m.mentions[0] === me.id,
        );
      },
      { what: 'the line in #Family', timeoutMs: 10_000 },
    );
    expect(line).toBeDefined();
  });

  it('refuses a used-up invite', async () => {
    const invite = await t.invite(admin, { uses: 2 });
    for (const email of ['one@family.test', 'two@family.test']) {
      expect((await t.client().signUp({ email, invite: invite.token })).status, email).toBe(200);
    }
    const res = await t.client().signUp({ email: 'three@family.test', invite: invite.token });
    expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_used_up' });
  });

  it('refuses an expired invite', async () => {
    // Made two days ago for one day: the decider's clock is the command's.
    const token = newInviteToken();
    const now = new Date(Date.now() - 2 * 86_400_000);
    await makeInvite({
      token,
      role: 'member',
      expiresInMs: 86_400_000,
      maxUses: 1,
      baseURL: t.origin,
      meta: { commandId: randomUUID(), actorId: 'someone', correlationId: 'test', now },
      writer: createIdentityWriter({ appender: t.hub.deps.appender }),
    });
    const res = await t.client().signUp({ email: 'late@family.test', invite: token });
    expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_expired' });
  });

  it('refuses a revoked invite, and lists it as revoked', async () => {
    const invite = await t.invite(admin);
    const revoked = await admin.request(`/api/v1/admin/invites/${invite.id}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    const { seq } = await json<{ seq: number }>(revoked);
    const res = await t.client().signUp({ email: 'withdrawn@family.test', invite: invite.token });
    expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_revoked' });

    const list = await json<AdminInvite[]>(await admin.request(`/api/v1/admin/invites?after=${seq}`));
    expect(list.find((i) => i.id === invite.id)).toMatchObject({ status: 'revoked', uses: 0 });
    expect(list.every((i) => !('token' in i))).toBe(true);
  });

  it('refuses a link that names no invite, or is not a token at all', async () => {
    for (const invite of [randomBytes(32).toString('base64url'), 'garbage', `${'x'.repeat(5000)}`]) {
      const res = await t.client().signUp({ email: 'guess@family.test', invite });
      expect(await refusal(res)).toEqual({ status: 403, code: 'identity.invite_not_found' });
    }
  });

  it('gives exactly one of two simultaneous sign-ups the last use', async () => {
    const invite = await t.invite(admin);
    const answers = await Promise.all(
      ['racer1@family.test', 'racer2@family.test'].map((email) =>
        t.client().signUp({ email, invite: invite.token }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    const lost = answers.find((r) => r.status !== 200) as Response;
    expect((await json(lost)).code).toBe('identity.invite_used_up');
    // The use reaches the log through the outbox relay, a moment after the answer.
    const usesNow = async () =>
      (await identityEvents(t.hub)).filter((e) => e.case === 'inviteUsed' && e.value.inviteId === invite.id);
    await eventually(async () => ((await usesNow()).length > 0 ? true : undefined));
    expect(await usesNow()).toHaveLength(1);
    const emails = await registeredEmails();
    expect(emails.filter((e) => e.startsWith('racer'))).toHaveLength(1);
  });

  it('can make an admin', async () => {
    const invite = await t.invite(admin, { role: 'admin' });
    const dad = t.client();
    expect((await dad.signUp({ email: 'dad@family.test', invite: invite.token })).status).toBe(200);
    expect((await dad.me()).role).toBe('admin');
  });

  it('admits no one through the links of an admin since banned or no longer admin', async () => {
    const rogue = t.client();
    const made = await t.invite(admin, { role: 'admin' });
    expect((await rogue.signUp({ email: 'rogue@family.test', invite: made.token })).status).toBe(200);
    const rogueId = (await rogue.me()).id;
    const toBan = await t.invite(rogue, { role: 'admin', uses: 5 });
    const toDemote = await t.invite(rogue, { role: 'member', uses: 5 });
    // While the rogue is an admin, their links work.
    expect((await t.client().signUp({ email: 'ok1@family.test', invite: toDemote.token })).status).toBe(200);

    await admin.request(`/api/v1/admin/users/${rogueId}/role`, { body: { role: 'member' } });
    expect(
      await refusal(await t.client().signUp({ email: 'no1@family.test', invite: toDemote.token })),
    ).toEqual({
      status: 403,
      code: 'identity.invite_revoked',
    });
    await admin.request(`/api/v1/admin/users/${rogueId}/role`, { body: { role: 'admin' } });
    await admin.request(`/api/v1/admin/users/${rogueId}/ban`, { body: {} });
    expect(await refusal(await t.client().signUp({ email: 'no2@family.test', invite: toBan.token }))).toEqual(
      {
        status: 403,
        code: 'identity.invite_revoked',
      },
    );
  });

  it('answers a retried creation with the same link', async () => {
    const headers = { 'Idempotency-Key': `invite-${randomUUID()}` };
    const body = { role: 'member', uses: 3, expiresIn: '2d' };
    const first = await admin.request('/api/v1/admin/invites', { body, headers });
    const again = await admin.request('/api/v1/admin/invites', { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    const [a, b] = [await json<InviteMade>(first), await json<InviteMade>(again)];
    expect(b).toEqual(a);
    const list = await json<AdminInvite[]>(await admin.request(`/api/v1/admin/invites?after=${a.seq}`));
    expect(list.filter((i) => i.id === a.id)).toHaveLength(1);
  });

  it('refuses a role that does not exist, and expiries beyond 90 days', async () => {
    const bad = [
      { body: { role: 'owner' }, code: 'identity.unknown_role' },
      { body: { role: 'member', expiresIn: '91d' }, code: 'identity.invite_expiry_out_of_range' },
      { body: { role: 'member', uses: 0 }, code: 'invalid_request' },
      { body: { role: 'member', expiresIn: 'soon' }, code: 'invalid_request' },
    ];
    for (const { body, code } of bad) {
      const res = await admin.request('/api/v1/admin/invites', { body });
      expect((await refusal(res)).code, JSON.stringify(body)).toBe(code);
    }
  });
});

describe('with allowed email domains', () => {
  let d: TestHub;
  beforeAll(async () => {
    d = await startTestHub({ identity: { allowedEmailDomains: ['family.test'], openSignup: false } });
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('lets those domains in without an invite, and others only with one', async () => {
    const first = d.client();
    expect((await first.signUp({ email: 'first@family.test' })).status).toBe(200);
    const cousin = d.client();
    expect((await cousin.signUp({ email: 'cousin@family.test' })).status).toBe(200);
    expect((await cousin.me()).role).toBe('member');
    const outsider = await d.client().signUp({ email: 'nan@grandma.test' });
    expect(await refusal(outsider)).toEqual({ status: 403, code: 'identity.email_domain_not_allowed' });
    const invite = await d.invite(first, { role: 'child' });
    const nan = d.client();
    expect((await nan.signUp({ email: 'nan@grandma.test', invite: invite.token })).status).toBe(200);
    expect((await nan.me()).role).toBe('child');
  });
});

describe('with open sign-up', () => {
  let o: TestHub;
  beforeAll(async () => {
    o = await startTestHub({ identity: { openSignup: true } });
  });
  afterAll(async () => {
    await o?.stop();
  });

  it('lets anyone in as a member without an invite', async () => {
    expect((await o.client().signUp({ email: 'first@anywhere.test' })).status).toBe(200);
    const later = o.client();
    expect((await later.signUp({ email: 'later@elsewhere.test' })).status).toBe(200);
    expect((await later.me()).role).toBe('member');
  });
});
