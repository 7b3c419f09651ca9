// Read models of one stream rebuilt together on real NATS and Postgres: the log is read once
// for all of them, a slower one sets the pace without losing or doubling an event, each is
// verified and switched on its own, and one that cannot start holds the others up in nothing.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

const FAST = 'rt_fast';
const SLOW = 'rt_slow';
const BATCH = 10;

/** Every event leaves one row (no key: an event applied twice shows). */
const seen = (name: string, pauseMs: number): Projection<{ seen: { seq: number } }, IdentityEvent> => ({
  name,
  domain: 'identity',
  migrations: {
    '20261207T2320_seen': {
      up: async (db) => {
        await db.schema
          .createTable('seen')
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  },
  apply: async (events, { db, rebuilding }) => {
    if (rebuilding) {
      const { rows } = await sql<{ pid: number; sync: string }>`
        SELECT pg_backend_pid() AS pid, current_setting('synchronous_commit') AS sync`.execute(db);
      const row = rows[0] as { pid: number; sync: string };
      rebuildSessions.add(`${row.pid} ${row.sync}`);
    }
    if (rebuilding && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    await db
      .insertInto('seen')
      .values(events.map((e) => ({ seq: e.seq })))
      .execute();
  },
});

/** The sessions rebuilds applied events on, and how they committed there. */
const rebuildSessions = new Set<string>();
let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let sessions = 0;
/** Ordered consumers opened to replay the stream. */
let replays = 0;
const publish = () => publishIdentity(rt.log, signedIn(`u${sessions % 5}`, `s${sessions++}`));
const count = async (name: string, distinct = false) =>
  Number(
    (
      await sql<{ n: string }>`SELECT ${distinct ? sql`count(DISTINCT seq)` : sql`count(*)`} AS n
        FROM ${sql.table(`${name}.seen`)}`.execute(db)
    ).rows[0]?.n,
  );
const settled = async () => {
  const last = (await rt.log.jsm.streams.info(rt.log.names.stream('identity'))).state.last_seq;
  for (const name of [FAST, SLOW]) expect(await runner.waitFor(name, last, 15_000)).toBe(true);
};

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  const consumers = rt.log.js.consumers;
  const get = consumers.get.bind(consumers);
  consumers.get = ((stream: string, opts?: unknown) => {
    if (typeof opts === 'object' && opts !== null) replays++;
    return get(stream, opts as never);
  }) as typeof consumers.get;
  runner = await rt.runner([seen(FAST, 0), seen(SLOW, 2)] as unknown as AnyProjection[], {
    batchSize: BATCH,
  });
  for (let i = 0; i < 6; i++) await Promise.all(Array.from({ length: 50 }, publish));
});
afterAll(() => rt.cleanup());

describe('read models rebuilt together', () => {
  it('read the log once, and each switches with every event exactly once', async () => {
    await settled();
    // Live writes meanwhile, slower than the replay, so it catches up with them.
    const writer = (async () => {
      for (let i = 0; i < 100; i++) {
        await publish();
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const before = replays;
    const ended = await runner.rebuildTogether([FAST, SLOW]);
    await writer;
    await settled();
    expect(replays - before).toBe(1);
    expect(
      ended.map((r) => ('ended' in r ? [r.readModel, r.ended.status, r.ended.verification?.equal] : r)),
    ).toEqual([
      [FAST, 'done', true],
      [SLOW, 'done', true],
    ]);
    for (const name of [FAST, SLOW]) {
      expect(await count(name)).toBe(sessions);
      expect(await count(name, true)).toBe(sessions);
    }
    // The new versions were written without waiting for the disk, on one session each; back in
    // the pool, those sessions commit as every other.
    // (The switches apply their last stretch in their own transactions, which commit as usual.)
    const writers = [...rebuildSessions].filter((s) => s.endsWith(' off')).map((s) => Number.parseInt(s, 10));
    expect(writers).toHaveLength(2);
    const clients = await Promise.all(Array.from({ length: rt.pool.totalCount }, () => rt.pool.connect()));
    try {
      const pooled = new Map<number, string>();
      for (const c of clients) {
        const { rows } = await c.query(
          `SELECT pg_backend_pid() AS pid, current_setting('synchronous_commit') AS sync`,
        );
        pooled.set(rows[0].pid, rows[0].sync);
      }
      for (const pid of writers) expect(pooled.get(pid)).toBe('on');
    } finally {
      for (const c of clients) c.release();
    }
  }, 120_000);

  it('go on without one that cannot start, and say how each ended', async () => {
    await settled();
    const other = await rt.pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('hearth.rebuild'), hashtext($1))`, [SLOW]);
      // Each says how it ended: one switched, one refused.
      const [fast, slow] = await runner.rebuildTogether([FAST, SLOW]);
      expect(fast).toMatchObject({ readModel: FAST, ended: { status: 'done' } });
      expect(slow).toMatchObject({ readModel: SLOW, failed: { code: 'conflict' } });
      expect(await runner.rebuildStatus(FAST)).toMatchObject({ status: 'done' });
    } finally {
      await other.query(`SELECT pg_advisory_unlock(hashtext('hearth.rebuild'), hashtext($1))`, [SLOW]);
      other.release();
    }
  }, 60_000);

  it('must follow one stream', async () => {
    await expect(runner.rebuildTogether([])).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
