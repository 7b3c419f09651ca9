// Blue/green rebuilds on real NATS and Postgres: the new version switches in only once it
// equals the live one at the same sequence, loses nothing written meanwhile, reports what
// differs instead of switching, leaves the live version untouched when cancelled, and holds
// reactors that read it until it has switched.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { createAppender } from '../../writers/log/append.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection, Reactor } from './types.ts';

const LEDGER = 'bg_ledger';
const WATCH = 'bg_watch';
type LedgerDB = {
  entries: { seq: number; session: string };
  totals: { user_id: string; n: number };
};
/** Where each batch went and whether it was a replay. */
const applied: { schema: string; rebuilding: boolean }[] = [];

// Every event leaves one entry (no key: a doubled event shows) and counts once per member
// (not idempotent: an event applied twice counts twice).
const ledger: Projection<LedgerDB, IdentityEvent> = {
  name: LEDGER,
  domain: 'identity',
  migrations: {
    '20261207T1800_ledger': {
      up: async (db) => {
        await db.schema
          .createTable('entries')
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('session', 'text')
          .execute();
        await db.schema
          .createTable('totals')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('n', 'integer', (c) => c.notNull())
          .execute();
      },
    },
  },
  apply: async (events, { db, schema, rebuilding }) => {
    applied.push({ schema, rebuilding });
    const entries: LedgerDB['entries'][] = [];
    const totals = new Map<string, number>();
    for (const e of events) {
      if (e.event.case !== 'signedIn') continue;
      const { userId, sessionId } = e.event.value;
      entries.push({ seq: e.seq, session: sessionId });
      totals.set(userId, (totals.get(userId) ?? 0) + 1);
    }
    if (entries.length === 0) return;
    await db.insertInto('entries').values(entries).execute();
    await db
      .insertInto('totals')
      .values([...totals].map(([user_id, n]) => ({ user_id, n })))
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ n: sql`totals.n + excluded.n` }))
      .execute();
  },
};

/** Reads the ledger, acts on chat events: held only by the ledger's rebuild. */
const acted: number[] = [];
const watch: Reactor = {
  name: WATCH,
  domain: 'chat',
  reads: [LEDGER],
  react: async (events) => {
    for (const e of events) acted.push(e.seq);
  },
};

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let sessions = 0;
const publish = () => publishIdentity(rt.log, signedIn(`u${sessions % 7}`, `s${sessions++}`));
const rows = async (query: ReturnType<typeof sql<{ n: string }>>) =>
  Number((await query.execute(db)).rows[0]?.n);
const live = async () =>
  (
    await sql<{ t: string }>`
    SELECT (SELECT string_agg(seq || ':' || session, ',' ORDER BY seq) FROM bg_ledger.entries) || '|' ||
           (SELECT string_agg(user_id || ':' || n, ',' ORDER BY user_id) FROM bg_ledger.totals) AS t`.execute(
      db,
    )
  ).rows[0]?.t;
const nextExists = async () =>
  (await sql<{ ok: boolean }>`SELECT to_regnamespace('bg_ledger__next') IS NOT NULL AS ok`.execute(db))
    .rows[0]?.ok;
const checkpoint = async () =>
  rows(sql<{ n: string }>`SELECT last_seq AS n FROM hearth.checkpoints WHERE read_model = ${LEDGER}`);
const settled = async () => {
  const last = (await rt.log.jsm.streams.info(rt.log.names.stream('identity'))).state.last_seq;
  expect(await runner.waitFor(LEDGER, last, 15_000)).toBe(true);
  return last;
};

/** Holds the ledger's checkpoint row as a live batch would, until `release` is called. */
async function holdCheckpoint() {
  const conn = await rt.pool.connect();
  await conn.query('BEGIN');
  await conn.query('SELECT last_seq FROM hearth.checkpoints WHERE read_model = $1 FOR UPDATE', [LEDGER]);
  return async () => {
    await conn.query('COMMIT');
    conn.release();
  };
}

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  runner = await rt.runner([ledger as unknown as AnyProjection, watch as never]);
  for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 50 }, publish));
});
afterAll(() => rt.cleanup());

describe('a blue/green rebuild', () => {
  it('switches under live writes, and the live model has every event exactly once', async () => {
    await settled();
    let writing = true;
    let during = 0;
    const writer = (async () => {
      while (writing) {
        await publish();
        during++;
      }
    })();
    const done = await runner.rebuild(LEDGER);
    writing = false;
    await writer;
    const last = await settled();

    expect(done.status).toBe('done');
    expect(done.verification).toMatchObject({ equal: true, accepted: false });
    expect(done.verification?.tables.map((t) => t.table)).toEqual(['entries', 'totals']);
    expect(during).toBeGreaterThan(0);
    const published = sessions;
    expect(await rows(sql`SELECT count(*) AS n FROM bg_ledger.entries`)).toBe(published);
    expect(await rows(sql`SELECT count(DISTINCT seq) AS n FROM bg_ledger.entries`)).toBe(published);
    expect(await rows(sql`SELECT sum(n) AS n FROM bg_ledger.totals`)).toBe(published);
    expect(await rows(sql`SELECT max(seq) AS n FROM bg_ledger.entries`)).toBe(last);
    expect(await nextExists()).toBe(false);
    // The replay wrote only into the new version, as a rebuild.
    const replayed = applied.filter((a) => a.schema === 'bg_ledger__next');
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.every((a) => a.rebuilding)).toBe(true);
    expect(applied.filter((a) => a.schema === LEDGER).every((a) => !a.rebuilding)).toBe(true);
  }, 120_000);

  it('does not switch when the versions differ, and names the rows that do', async () => {
    await settled();
    await sql`UPDATE bg_ledger.totals SET n = 999 WHERE user_id = 'u1'`.execute(db);
    await sql`INSERT INTO bg_ledger.totals VALUES ('ghost', 1)`.execute(db);
    const before = await live();
    const at = await checkpoint();

    const found = await runner.rebuild(LEDGER);
    expect(found.status).toBe('mismatch');
    expect(found.verification).toMatchObject({ equal: false, accepted: false, atSeq: at });
    const totals = found.verification?.tables.find((t) => t.table === 'totals');
    expect(totals).toMatchObject({ equal: false });
    expect(totals?.liveRows).toBe((totals?.rebuiltRows ?? 0) + 1);
    expect(totals?.differences).toEqual([
      { key: { user_id: 'ghost' }, kind: 'live', columns: [] },
      { key: { user_id: 'u1' }, kind: 'changed', columns: ['n'] },
    ]);
    expect(found.verification?.tables.find((t) => t.table === 'entries')).toMatchObject({ equal: true });
    expect(await live()).toBe(before);
    expect(await nextExists()).toBe(false);
    expect(await runner.rebuildStatus(LEDGER)).toMatchObject({ status: 'mismatch' });
  });

  it('switches over the differences an admin accepted, and says so', async () => {
    const done = await runner.rebuild(LEDGER, { acceptDifferences: true });
    expect(done).toMatchObject({ status: 'done', acceptDifferences: true });
    expect(done.verification).toMatchObject({ equal: false, accepted: true });
    expect(await rows(sql`SELECT count(*) AS n FROM bg_ledger.totals WHERE user_id = 'ghost'`)).toBe(0);
    expect(await rows(sql`SELECT sum(n) AS n FROM bg_ledger.totals`)).toBe(sessions);
  });

  it('when cancelled, leaves the live version as it was and drops the new one', async () => {
    await settled();
    const before = await live();
    const at = await checkpoint();
    const stop = new AbortController();
    stop.abort();
    expect(await runner.rebuild(LEDGER, { signal: stop.signal })).toMatchObject({ status: 'cancelled' });
    expect(await live()).toBe(before);
    expect(await checkpoint()).toBe(at);
    expect(await nextExists()).toBe(false);
  });

  it('is cancelled by any process up to its switch, even while it waits for the live worker', async () => {
    await settled();
    const before = await live();
    const release = await holdCheckpoint();
    const running = runner.rebuild(LEDGER);
    try {
      await expect
        .poll(async () => (await runner.rebuildStatus(LEDGER))?.status, { timeout: 30_000 })
        .toBe('verifying');
      await runner.cancelRebuild(LEDGER);
    } finally {
      await release();
    }
    expect(await running).toMatchObject({ status: 'cancelled' });
    expect(await live()).toBe(before);
    expect(await nextExists()).toBe(false);
    await expect(runner.cancelRebuild(LEDGER)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('holds a reactor that reads the read model until it has switched', async () => {
    const chat = createChatWriter({
      appender: createAppender({ log: rt.log }),
      reader: createChatReader({ log: rt.log }),
    });
    await settled();
    const release = await holdCheckpoint();
    const running = runner.rebuild(LEDGER);
    let seq = 0;
    try {
      await expect
        .poll(async () => (await runner.rebuildStatus(LEDGER))?.status, { timeout: 30_000 })
        .toBe('verifying');
      ({ seq } = await chat.joinFamily('newcomer', {
        commandId: 'bg-join',
        actorId: '',
        correlationId: 'test',
        now: new Date(),
      }));
      // Long enough for the reactor's worker to have been handed the event several times.
      await new Promise((r) => setTimeout(r, 1500));
      expect(acted).not.toContain(seq);
    } finally {
      await release();
    }
    expect(await running).toMatchObject({ status: 'done' });
    expect(await runner.waitFor(WATCH, seq, 15_000)).toBe(true);
    expect(acted.filter((s) => s === seq)).toHaveLength(1);
  });

  it('fails, rather than waits forever, when the live checkpoint is past the end of the stream', async () => {
    const last = await settled();
    const before = await live();
    // As after a stream restored from an older backup: the checkpoint names events it lacks.
    await sql`UPDATE hearth.checkpoints SET last_seq = ${last + 10_000} WHERE read_model = ${LEDGER}`.execute(
      db,
    );
    try {
      const err = await runner.rebuild(LEDGER).then(
        () => null,
        (e: unknown) => e as Error & { progress?: unknown },
      );
      expect(err?.message).toMatch(/past the last one its stream holds/);
      expect(err?.progress).toMatchObject({ status: 'failed' });
      expect(await runner.rebuildStatus(LEDGER)).toMatchObject({ status: 'failed' });
      expect(await live()).toBe(before);
      expect(await nextExists()).toBe(false);
    } finally {
      await sql`UPDATE hearth.checkpoints SET last_seq = ${last} WHERE read_model = ${LEDGER}`.execute(db);
    }
  });

  it('drops at start a new version left by a rebuild whose process died, never one a live rebuild holds', async () => {
    await sql`CREATE SCHEMA bg_ledger__next`.execute(db);
    await sql`CREATE TABLE bg_ledger__next.entries (seq bigint)`.execute(db);
    const other = await rt.pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('hearth.rebuild'), hashtext($1))`, [LEDGER]);
      await runner.migrate();
      expect(await nextExists()).toBe(true);
      await other.query(`SELECT pg_advisory_unlock(hashtext('hearth.rebuild'), hashtext($1))`, [LEDGER]);
    } finally {
      other.release();
    }
    await runner.migrate();
    expect(await nextExists()).toBe(false);
  });
});
