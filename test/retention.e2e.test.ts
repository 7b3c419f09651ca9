// A family's history outlives the log: with streams that keep a few seconds, the log keeper
// snapshots every aggregate and baselines every read model before their events expire; once
// they have, what the family sees is unchanged, decisions still rest on the whole history,
// every read model rebuilds into the same rows, and the hash chain verifies.
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleSet } from '../contracts/play.schema.ts';
import { DOMAINS, type Domain } from '../contracts/subjects.ts';
import { auditLogName } from '../projectors/audit-log/projection.ts';
import { pruneExpired } from '../projectors/audit-log/prune.ts';
import { type PrivateClamd, startClamd } from './clamd.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from './hub.ts';
import { uploadedTo } from './media-family.ts';

const RETENTION_MS = 12_000;
// Events are kept once 3 s old, 9 s before they expire.
const LOG = { retentionMs: RETENTION_MS, logKeeper: { intervalMs: 250, marginMs: 9_000 } };

let t: TestHub;
let clamd: PrivateClamd;
let ann: TestClient; // admin
let bob: TestClient;
let cy: TestClient; // child
const ids = { ann: '', bob: '', cy: '' };
const old = { channel: '', message: '', challenge: '', photo: '' };
let photoBytes: Buffer;

type Json = Record<string, unknown> & { seq?: number; id?: string };
async function ok(res: Response | Promise<Response>): Promise<Json> {
  const r = await res;
  const body = (await r.json()) as Json;
  if (r.status >= 300) throw new Error(`${r.status}: ${JSON.stringify(body)}`);
  return body;
}
const get = (who: TestClient, path: string) => ok(who.request(`/api/v1${path}`));
const post = (who: TestClient, path: string, body: unknown = {}) =>
  ok(who.request(`/api/v1${path}`, { body }));

/** Everything a family looks at that the old events made. */
async function views() {
  const profile = (who: TestClient) => get(who, '/play/me');
  return {
    people: await get(ann, '/people'),
    cy: await profile(cy),
    bob: await profile(bob),
    garden: await get(bob, `/channels/${old.channel}`),
    history: await get(bob, `/messages?channel=${old.channel}`),
    rules: await get(ann, '/play/rules'),
    challenges: await get(cy, '/play/challenges'),
    cyXp: await get(cy, `/play/members/${ids.cy}/xp`),
  };
}

const streamInfo = (domain: Domain) => t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream(domain));

/** Every read model has applied everything on its stream. */
const caughtUp = () =>
  eventually(
    async () =>
      (await t.hub.deps.projectors.status()).every((s) => s.lastSeq >= s.streamLastSeq) ? true : undefined,
    { what: 'the read models to catch up', timeoutMs: 20_000 },
  );

/** Every row of a read model's tables, as text, in order. */
async function rows(schema: string): Promise<Record<string, string[]>> {
  const db = t.hub.deps.db;
  const { rows: tables } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = ${schema} AND tablename NOT LIKE 'kysely\\_%'
    ORDER BY tablename`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { tablename } of tables) {
    const { rows: found } = await sql<{ r: string }>`
      SELECT to_jsonb(x)::text AS r FROM ${sql.id(schema, tablename)} x ORDER BY 1`.execute(db);
    out[tablename] = found.map((f) => f.r);
  }
  return out;
}

type Rules = { version: number; rules: RuleSet };
const withMatchXp = (rules: RuleSet, xp: number): RuleSet => ({
  ...rules,
  xp: rules.xp.map((r) => (r.id === 'match-played' ? { ...r, xp } : r)),
});

let before: Awaited<ReturnType<typeof views>>;
const lasts = new Map<Domain, number>();

beforeAll(async () => {
  clamd = await startClamd();
  t = await startTestHub({
    log: LOG,
    env: { HEARTH_AUDIT_CHECKPOINT_INTERVAL: '1', CLAMD_URL: clamd.url, HEARTH_COMMAND_RATE_LIMIT: '10000' },
  });
  ann = t.client();
  await ann.signUp({ email: 'ann@family.test', name: 'Ann' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  cy = t.client();
  await cy.signUp({ email: 'cy@family.test', name: 'Cy' });
  ids.ann = (await ann.me()).id;
  ids.bob = (await bob.me()).id;
  ids.cy = (await cy.me()).id;
  await ok(ann.request(`/api/v1/admin/users/${ids.cy}/role`, { body: { role: 'child' } }));
  await eventually(
    async () => ((await get(ann, '/people')) as unknown as unknown[]).length === 3 || undefined,
  );

  // chat: a channel with members, a message and its edit
  const garden = await post(bob, '/channels', { name: 'Garden', members: [ids.ann] });
  old.channel = String(garden.id);
  const message = await post(bob, '/messages', { channel: old.channel, content: 'the roses are out' });
  old.message = String(message.id);
  await ok(
    bob.request(`/api/v1/channels/${old.channel}/messages/${old.message}`, {
      method: 'PATCH',
      body: { content: 'the roses are out!' },
    }),
  );

  // media: a photo, whose blob aggregate holds the key of its bytes
  photoBytes = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 20 } },
  })
    .jpeg()
    .toBuffer();
  old.photo = (await uploadedTo(t, bob, photoBytes)).id;

  // play: a confirmed match, an approved chore with its XP and achievement, a challenge rewarded
  const challenge = await post(ann, '/play/challenges', {
    title: 'One chore',
    metric: 'chores_approved',
    target: 1,
    reward_xp: 30,
    member_ids: [ids.cy],
  });
  old.challenge = String(challenge.id);
  const match = await post(bob, '/play/matches', {
    game: 'Chess',
    placements: [
      { user_id: ids.bob, place: 1 },
      { user_id: ids.cy, place: 2 },
    ],
  });
  await post(cy, `/play/matches/${match.id}/confirm`);
  const chore = await post(ann, '/play/chores', { title: 'Feed the cat', points: 40, recurrence: 'daily' });
  const done = await post(cy, `/play/chores/${chore.id}/done`, { note: 'all done', photo_id: null });
  await post(ann, `/play/chores/${chore.id}/completions/${done.id}/approve`, { member_id: ids.cy });
  await t.hub.play.live.tick();
  // a rule change, so the rules have a version of their own on the log
  const rules = (await get(ann, '/play/rules')) as unknown as Rules;
  await ok(
    ann.request('/api/v1/play/rules', {
      method: 'PUT',
      body: { expected_version: rules.version, rules: withMatchXp(rules.rules, 100) },
    }),
  );
  await eventually(
    async () => {
      await t.hub.play.live.tick();
      const xp = (await get(cy, `/play/members/${ids.cy}/xp`)) as { grants: { rule_id: string }[] };
      return xp.grants.some((g) => g.rule_id === 'challenge') || undefined;
    },
    { what: 'the challenge reward', timeoutMs: 10_000 },
  );

  await caughtUp();
  before = await views();
  for (const domain of DOMAINS) {
    const last = (await streamInfo(domain)).state.last_seq;
    if (last > 0) lasts.set(domain, last);
  }
  // Nothing of the history is left on the log once this holds.
  await eventually(
    async () => {
      for (const [domain, last] of lasts) {
        if ((await streamInfo(domain)).state.first_seq <= last) return undefined;
      }
      return true;
    },
    { what: 'the history to expire', timeoutMs: 60_000 },
  );
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await clamd?.stop();
});

describe('once the history has left the log', () => {
  it('shows the family what it showed before', async () => {
    expect(await views()).toEqual(before);
    const me = before.cy as { xp: number; achievements: { id: string }[]; ratings: unknown[] };
    expect(me.xp).toBeGreaterThan(0);
    expect(me.achievements.map((a) => a.id)).toContain('first-chore');
    expect(me.ratings).toHaveLength(1);
  });

  it('decides on the whole history: members, authors, the rules version, rewards given', async () => {
    // The channel still knows its members, and the message its author.
    await post(bob, '/messages', { channel: old.channel, content: 'still here' });
    const path = `/api/v1/channels/${old.channel}/messages/${old.message}`;
    await ok(bob.request(path, { method: 'PATCH', body: { content: 'the roses are over' } }));
    expect((await ann.request(path, { method: 'PATCH', body: { content: 'not mine' } })).status).toBe(403);
    expect(
      (await cy.request('/api/v1/messages', { body: { channel: old.channel, content: 'hi' } })).status,
    ).toBe(403);

    // The rules still know their version.
    const current = before.rules as unknown as Rules;
    expect(current.version).toBeGreaterThanOrEqual(2);
    const draft = withMatchXp(current.rules, 120);
    const stale = await ann.request('/api/v1/play/rules', {
      method: 'PUT',
      body: { expected_version: current.version - 1, rules: draft },
    });
    expect(stale.status).toBe(409);
    const published = await ok(
      ann.request('/api/v1/play/rules', {
        method: 'PUT',
        body: { expected_version: current.version, rules: draft },
      }),
    );
    expect(published.version).toBe(current.version + 1);

    // The challenge's reward is not given twice, however often the live loop looks again.
    for (let i = 0; i < 3; i++) await t.hub.play.live.tick();
    await caughtUp();
    const xp = (await get(cy, `/play/members/${ids.cy}/xp`)) as { grants: { rule_id: string }[] };
    expect(xp.grants.filter((g) => g.rule_id === 'challenge')).toHaveLength(1);
  });

  it('keeps the photo, and stores the same bytes uploaded again under the same key', async () => {
    const download = await bob.request(`/api/v1/files/${old.photo}/download`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(photoBytes)).toBe(true);
    const again = await uploadedTo(t, ann, photoBytes);
    const { rows: keys } = await sql<{ storage_key: string }>`
      SELECT DISTINCT storage_key FROM media_files.files WHERE file_id IN (${old.photo}, ${again.id})`.execute(
      t.hub.deps.db,
    );
    expect(keys).toHaveLength(1);
  });

  it('rebuilds every read model into the same rows', async () => {
    await caughtUp();
    // The audit log keeps only what the log keeps (its hourly upkeep deletes the entries of
    // expired events), and events go on expiring meanwhile: its live rows are compared from
    // the first event the log still kept once the rebuild was done.
    const audit = new Map(DOMAINS.map((d) => [auditLogName(d), d]));
    const names = t.hub.deps.projectors.names();
    let rebuilt = 0;
    for (const name of names) {
      const live = await rows(name);
      try {
        await t.hub.deps.projectors.rebuild(name);
      } catch (err) {
        // Reactors and read models that cannot be rebuilt beside themselves are never rebuilt.
        if ((err as { code?: string }).code === 'invalid_request') continue;
        throw new Error(`${name}: ${(err as Error).message}`);
      }
      rebuilt++;
      const domain = audit.get(name);
      if (domain) {
        const firstSeq = (await streamInfo(domain)).state.first_seq;
        await pruneExpired(t.hub.deps.db as never, { schema: name, firstSeq });
        live.entries = (live.entries ?? []).filter(
          (row) => (JSON.parse(row) as { seq: number }).seq >= firstSeq,
        );
      }
      expect({ name, rows: await rows(name) }).toEqual({ name, rows: live });
    }
    expect(rebuilt).toBeGreaterThanOrEqual(10);
  });

  it('verifies the hash chain of every stream', async () => {
    await t.hub.auditChain.checkpointAll();
    const report = await t.hub.auditChain.verify({});
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });
});
