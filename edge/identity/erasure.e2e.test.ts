// Erasure on request over a whole hub: an admin erases a member who signed up, changed their
// name and posted in chat. Afterwards the decision is on the log and in the audit log, their
// key is gone, nothing on the IDENTITY stream reads their email or name, the directory shows
// them erased (a rebuild agrees), they cannot sign in, and nobody else may do it or do it twice.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { ENVELOPES } from '../../contracts/events.ts';
import type { AdminUser, Person } from '../../contracts/identity.api.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { memberErasureReactor } from '../../projectors/member-erasure/reactor.ts';
import { listBaselines, takeBaseline } from '../../projectors/runtime/baseline.ts';
import type { StoredEvent } from '../../projectors/runtime/types.ts';
import { eventually, identityEvents, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { openEnvelope } from '../../writers/log/decode.ts';

let t: TestHub;
let admin: TestClient;
let parent: TestClient;
let erin: TestClient;
const ids = { admin: '', parent: '', erin: '' };
const EMAIL = 'erin.quill@family.test';
const NAME = 'Erin Quillfeather';
const RENAMED = 'Erin Q. Marchmont';
const SAID = 'a line only Erin ever wrote';
const asked = Date.now() - 3_600_000;
let erasedSeq = 0;

const json = async <T>(res: Response) => (await res.json()) as T;
const erase = (client: TestClient, id: string, body: unknown) =>
  client.request(`/api/v1/admin/members/${id}/erase`, { body });

/** Every message of a stream, raw: its subject and stored bytes. */
async function rawMessages(domain: Domain) {
  const { log } = t.hub.deps;
  const stream = log.names.stream(domain);
  const { state } = await log.jsm.streams.info(stream);
  const out: { seq: number; subject: string; data: Uint8Array }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await log.jsm.direct.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push({ seq, subject: m.subject, data: m.data });
  }
  return out;
}

const includes = (data: Uint8Array, text: string) => Buffer.from(data).includes(Buffer.from(text));

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'root@family.test', name: 'Root' });
  parent = t.client();
  await parent.signUp({ email: 'parent@family.test', name: 'Parent' });
  erin = t.client();
  expect((await erin.signUp({ email: EMAIL, name: NAME })).status).toBe(200);
  ids.admin = (await admin.me()).id;
  ids.parent = (await parent.me()).id;
  ids.erin = (await erin.me()).id;
  expect(
    (await erin.request('/api/v1/me', { method: 'PATCH', body: { name: RENAMED } })).status,
  ).toBeLessThan(300);
  // Erin is put in the family channel by a reactor: post once she is in.
  const posted = await eventually(
    async () => {
      const res = await erin.request('/api/v1/messages', { body: { channel: 'family', content: SAID } });
      return res.status === 201 ? res : undefined;
    },
    { timeoutMs: 10_000, what: 'Erin’s message in the family channel' },
  );
  expect(posted.status).toBe(201);
  // Her facts are on the log before she is erased, and in a baseline of the directory.
  const renamed = await eventually(async () =>
    (await identityEvents(t.hub)).find((e) => e.case === 'profileUpdated' && e.value.userId === ids.erin),
  );
  expect((await admin.request(`/api/v1/admin/users?after=${renamed.seq}`)).status).toBe(200);
  expect(await takeBaseline(t.hub.deps.db, 'identity_users')).toBeDefined();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('erasing a member on request', () => {
  it('is refused to a non-admin (403), and the refusal is audited', async () => {
    const res = await erase(parent, ids.erin, { requestedBy: ids.erin });
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ code: 'forbidden' });
    const refused = await eventually(
      async () => {
        const res = await admin.request(`/api/v1/audit/entries?outcome=refused&actor=${ids.parent}`);
        const { entries } = await json<{ entries: AuditEntry[] }>(res);
        return entries.find((e) => JSON.stringify(e).includes('/admin/members/:id/erase'));
      },
      { what: 'the refused erasure in the audit log' },
    );
    expect(refused).toMatchObject({ actor_id: ids.parent, outcome: 'refused' });
  });

  it('refuses what it cannot do: yourself, an unknown member, a child or a stranger as requester, a future request', async () => {
    const self = await erase(admin, ids.admin, { requestedBy: ids.admin });
    expect([self.status, (await json<{ code: string }>(self)).code]).toEqual([
      403,
      'identity.cannot_erase_self',
    ]);
    const unknown = await erase(admin, 'nosuch', { requestedBy: 'nosuch' });
    expect([unknown.status, (await json<{ code: string }>(unknown)).code]).toEqual([
      404,
      'identity.user_not_found',
    ]);
    const stranger = await erase(admin, ids.erin, { requestedBy: 'nosuch' });
    expect(stranger.status).toBe(400);
    expect(await json(stranger)).toMatchObject({ code: 'identity.requester_not_in_family' });
    const later = await erase(admin, ids.erin, {
      requestedBy: ids.erin,
      requestedAtMs: Date.now() + 2 * 24 * 3_600_000,
    });
    expect([later.status, (await json<{ code: string }>(later)).code]).toEqual([
      400,
      'identity.erasure_request_in_future',
    ]);
    const bad = await erase(admin, ids.erin, { requestedBy: ids.erin, extra: 1 });
    expect(bad.status).toBe(400);
    // Nothing was erased.
    expect(await t.hub.deps.log.keys.isErased(ids.erin)).toBe(false);
  });

  it('records MemberErased by the admin, naming who asked and when, and carries it out', async () => {
    const res = await erase(admin, ids.erin, { requestedBy: ids.parent, requestedAtMs: asked });
    expect(res.status).toBe(200);
    erasedSeq = (await json<{ seq: number }>(res)).seq;
    const event = (await identityEvents(t.hub)).find((e) => e.seq === erasedSeq);
    expect(event).toMatchObject({
      case: 'memberErased',
      subject: t.hub.deps.log.names.identity.account(ids.erin),
      value: { memberId: ids.erin, requestedBy: ids.parent, requestedAtMs: BigInt(asked) },
    });
    expect(event?.metadata?.actorId).toBe(ids.admin);
    // 200: the reactor has destroyed the key and her sign-in data.
    expect(await t.hub.deps.log.keys.isErased(ids.erin)).toBe(true);
  });

  it('appears in the audit log with who, for whom and when', async () => {
    const entry = await eventually(
      async () => {
        const res = await admin.request('/api/v1/audit/entries?action=identity.MemberErased');
        return (await json<{ entries: AuditEntry[] }>(res)).entries[0];
      },
      { what: 'MemberErased in the audit log' },
    );
    expect(entry).toMatchObject({
      actor_id: ids.admin,
      target: `identity.user.${ids.erin}.account`,
      details: { member_id: ids.erin, requested_by: ids.parent },
    });
    expect(String(entry.details.requested_at_ms)).toBe(String(asked));
  });

  it('leaves nothing on the IDENTITY stream that reads her email or name', async () => {
    const messages = await rawMessages('identity');
    const hers = messages.filter((m) => m.subject.includes(ids.erin));
    expect(hers.length).toBeGreaterThan(2);
    for (const m of messages) {
      for (const text of [EMAIL, NAME, RENAMED, 'Quillfeather', 'Marchmont'])
        expect(includes(m.data, text)).toBe(false);
    }
    // Her registration is there, sealed under a key that no longer exists: it reads blank.
    const registration = hers
      .map((m) => openEnvelope(ENVELOPES.identity, m.data))
      .find((o) => o.envelope.event.case === 'userRegistered');
    expect(registration?.personal).toBe('erased');
    expect(registration?.envelope.event.value).toMatchObject({ userId: ids.erin, email: '', name: '' });
    // Her chat line was sealed too: its text is nowhere on the CHAT stream.
    for (const m of await rawMessages('chat')) expect(includes(m.data, SAID)).toBe(false);
  });

  it('writes her erasure once on the chat, media and play streams', async () => {
    const { log } = t.hub.deps;
    for (const domain of ['chat', 'media', 'play'] as const) {
      const subject = log.names[domain].erasure(ids.erin);
      const found = (await rawMessages(domain)).filter((m) => m.subject === subject);
      expect(found, domain).toHaveLength(1);
      const { envelope } = openEnvelope(ENVELOPES[domain], (found[0] as { data: Uint8Array }).data);
      expect(envelope.event).toMatchObject({
        case: 'memberErased',
        value: { memberId: ids.erin, requestedBy: ids.parent },
      });
      expect(envelope.metadata).toMatchObject({
        actorId: ids.admin,
        causationId: `${log.names.stream('identity')}:${erasedSeq}`,
      });
    }
  });

  it('removes her sign-in data: she is signed out at once and cannot sign in again', async () => {
    expect((await erin.request('/api/v1/me')).status).toBe(401);
    expect((await erin.request('/api/auth/get-session')).status).not.toBe(200);
    const again = t.client();
    expect((await again.signIn({ email: EMAIL })).status).toBe(401);
    const { db } = t.hub.deps;
    const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(db)).rows[0]?.n;
    expect(await count(sql`SELECT count(*)::int AS n FROM auth.session WHERE "userId" = ${ids.erin}`)).toBe(
      0,
    );
    expect(await count(sql`SELECT count(*)::int AS n FROM auth.account WHERE "userId" = ${ids.erin}`)).toBe(
      0,
    );
    expect(
      await count(sql`SELECT count(*)::int AS n FROM auth."user" WHERE id = ${ids.erin} OR email = ${EMAIL}`),
    ).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM auth.outbox WHERE user_id = ${ids.erin}`)).toBe(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM auth.outbox WHERE strpos(payload::text, ${NAME}) > 0`),
    ).toBe(0);
  });

  it('blanks her in the directory’s baselines too', async () => {
    const { db } = t.hub.deps;
    const [baseline] = await listBaselines(db, 'identity_users');
    const { rows } = await sql<{ email: string; name: string }>`
      SELECT email, name FROM ${sql.id('identity_users_baseline', `b${baseline?.id}_users`)}
      WHERE id = ${ids.erin}`.execute(db);
    expect(rows).toEqual([{ email: '', name: '' }]);
  });

  it('shows her as erased, with no name or email, in the directory and to the admin', async () => {
    const people = await json<Person[]>(await parent.request(`/api/v1/people`));
    expect(people.find((p) => p.id === ids.erin)).toEqual({
      id: ids.erin,
      name: '',
      image: null,
      role: 'member',
      erased: true,
    });
    expect(people.find((p) => p.id === ids.parent)).toMatchObject({ name: 'Parent', erased: false });
    const users = await json<AdminUser[]>(await admin.request(`/api/v1/admin/users?after=${erasedSeq}`));
    const row = users.find((u) => u.id === ids.erin);
    expect(row).toMatchObject({ email: '', name: '', image: null, erasedAt: expect.any(String) });
  });

  it('rebuilds identity_users into the same rows as the live one', async () => {
    const live = await json<AdminUser[]>(await admin.request(`/api/v1/admin/users?after=${erasedSeq}`));
    const progress = await t.hub.deps.projectors.rebuild('identity_users');
    expect(progress).toMatchObject({ status: 'done', remaining: 0 });
    expect(await json<AdminUser[]>(await admin.request('/api/v1/admin/users'))).toEqual(live);
  });

  it('refuses erasing her twice (409), and every other decision about her', async () => {
    const twice = await erase(admin, ids.erin, { requestedBy: ids.erin });
    expect([twice.status, (await json<{ code: string }>(twice)).code]).toEqual([
      409,
      'identity.member_erased',
    ]);
    const role = await admin.request(`/api/v1/admin/users/${ids.erin}/role`, { body: { role: 'child' } });
    expect([role.status, (await json<{ code: string }>(role)).code]).toEqual([409, 'identity.member_erased']);
  });

  it('carries out the same erasure again harmlessly (a redelivery after a crash)', async () => {
    const { log, appender, db } = t.hub.deps;
    const event = (await identityEvents(t.hub)).find((e) => e.seq === erasedSeq);
    if (event?.case !== 'memberErased') throw new Error('no MemberErased');
    const stored: StoredEvent = {
      stream: log.names.stream('identity'),
      seq: erasedSeq,
      subject: event.subject,
      type: event.value.$typeName,
      occurredAt: new Date(),
      actorId: ids.admin,
      event: { case: 'memberErased', value: event.value },
    };
    const reactor = memberErasureReactor({ keys: log.keys, appender });
    await db.transaction().execute((tx) =>
      reactor.react([stored as never], {
        db: tx,
        logger: t.hub.deps.logger,
        issue: ({ key, run }) =>
          run({
            commandId: key ?? 'x',
            actorId: '',
            correlationId: 'again',
            causationId: 'again',
            now: new Date(),
          }),
      }),
    );
    // Nothing appended twice: the erasure aggregates were already written.
    for (const domain of ['chat', 'media', 'play'] as const) {
      const subject = log.names[domain].erasure(ids.erin);
      expect((await rawMessages(domain)).filter((m) => m.subject === subject)).toHaveLength(1);
    }
    expect(await log.keys.isErased(ids.erin)).toBe(true);
  });

  it('leaves her address and name on no stream, even after a stranger tries it, and every chain verifies', async () => {
    // Someone tries her old address after she is gone: an address no account has.
    const stranger = t.client();
    await stranger.signIn({ email: EMAIL, password: 'not hers any more' });
    await eventually(
      async () =>
        (await identityEvents(t.hub)).find(
          (e) => e.case === 'signInFailed' && e.value.userId === '' && e.value.email === '@family.test',
        ),
      { what: 'the failed sign-in on the log' },
    );
    await t.hub.refusals.flush();
    for (const domain of DOMAINS) {
      for (const m of await rawMessages(domain)) {
        for (const text of [EMAIL, NAME, RENAMED, SAID])
          expect(includes(m.data, text), `${domain} ${m.seq}`).toBe(false);
      }
    }
    // The log was never rewritten: the hash chain of every stream verifies after the erasure.
    await t.hub.auditChain.checkpointAll();
    const report = await t.hub.auditChain.verify({});
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });
});
