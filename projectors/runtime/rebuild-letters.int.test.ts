// Dead letters and rebuilds on real NATS and Postgres: what a rebuild parks is filed under its
// new version, never the live name, so a rebuild that does not switch leaves the live letters
// as they were and one an admin resolved is never reopened; one that switches hands its letters
// to the live name, and resolves the old ones it applied.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

const NAME = 'rl_seen';
/** Sessions this projection cannot take, for now. */
const poison = new Set(['p1', 'p2', 'p3']);

const seenProjection: Projection<{ seen: { seq: number; session: string } }, IdentityEvent> = {
  name: NAME,
  domain: 'identity',
  migrations: {
    '20261207T2300_seen': {
      up: async (db) => {
        await db.schema
          .createTable('seen')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .addColumn('session', 'text')
          .execute();
      },
    },
  },
  apply: async (events, { db }) => {
    for (const e of events) {
      if (e.event.case !== 'signedIn') continue;
      const session = e.event.value.sessionId;
      if (poison.has(session)) throw new Error(`cannot project ${session}`);
      await db.insertInto('seen').values({ seq: e.seq, session }).execute();
    }
  },
};

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
const seqs = new Map<string, number>();

/** Every letter of the read model and of its new version: seq, where filed, status, attempts. */
const letters = async () =>
  (
    await sql<{
      read_model: string;
      seq: string;
      status: string;
      attempts: number;
      resolved_by: string | null;
    }>`
      SELECT read_model, seq, status, attempts, resolved_by FROM hearth.dead_letters
      WHERE read_model IN (${NAME}, ${`${NAME}__next`}) ORDER BY seq`.execute(db)
  ).rows.map((r) => ({ ...r, seq: Number(r.seq) }));

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  runner = await rt.runner([seenProjection as unknown as AnyProjection]);
  for (const s of ['a', 'p1', 'b', 'p2', 'p3', 'c'])
    seqs.set(s, await publishIdentity(rt.log, signedIn('u', s)));
  expect(await runner.waitFor(NAME, seqs.get('c') as number, 15_000)).toBe(true);
  const parked = await runner.deadLetters.list({ readModel: NAME });
  expect(parked.map((d) => d.seq)).toEqual([seqs.get('p1'), seqs.get('p2'), seqs.get('p3')]);
  const p1 = parked.find((d) => d.seq === seqs.get('p1'));
  await runner.deadLetters.resolve({ id: p1?.id as string, action: 'skip', by: 'admin1' });
});
afterAll(() => rt.cleanup());

const strayId = async () =>
  String(
    (
      await sql<{ id: string }>`
        SELECT id FROM hearth.dead_letters WHERE read_model = ${`${NAME}__next`}`.execute(db)
    ).rows[0]?.id,
  );

describe('the dead letters of a rebuild', () => {
  it('never touch the live ones when it does not switch, nor reopen one an admin resolved', async () => {
    const before = await letters();
    await sql`INSERT INTO rl_seen.seen VALUES (0, 'ghost')`.execute(db);
    try {
      expect(await runner.rebuild(NAME)).toMatchObject({ status: 'mismatch' });
    } finally {
      await sql`DELETE FROM rl_seen.seen WHERE seq = 0`.execute(db);
    }
    expect(await letters()).toEqual(before);
    expect(before.find((d) => d.seq === seqs.get('p1'))).toMatchObject({ status: 'skipped', attempts: 1 });
    expect((await runner.status())[0]).toMatchObject({ deadLetters: 2 });
  });

  it('are handed to the live name when it switches; the old ones it applied are resolved', async () => {
    poison.delete('p2'); // the rules were fixed: p2 projects now, p3 still fails
    const done = await runner.rebuild(NAME, { acceptDifferences: true });
    expect(done).toMatchObject({ status: 'done' });
    expect(await letters()).toEqual([
      { read_model: NAME, seq: seqs.get('p1'), status: 'skipped', attempts: 1, resolved_by: 'admin1' },
      { read_model: NAME, seq: seqs.get('p2'), status: 'retried', attempts: 1, resolved_by: 'rebuild' },
      { read_model: NAME, seq: seqs.get('p3'), status: 'parked', attempts: 2, resolved_by: null },
    ]);
    expect((await runner.status())[0]).toMatchObject({ deadLetters: 1 });
    const rows = await sql<{ session: string }>`SELECT session FROM rl_seen.seen ORDER BY seq`.execute(db);
    expect(rows.rows.map((r) => r.session)).toEqual(['a', 'b', 'p2', 'c']);
  });

  it('left by a rebuild whose process died are dropped with its new version', async () => {
    await sql`INSERT INTO hearth.dead_letters (read_model, stream, seq, subject, type, error)
      VALUES (${`${NAME}__next`}, 'x', 1, 'x', 'x', 'x')`.execute(db);
    // No admin lists them, nor resolves them.
    expect(await runner.deadLetters.list({ readModel: `${NAME}__next` })).toEqual([]);
    expect((await runner.deadLetters.list({})).map((d) => d.readModel)).not.toContain(`${NAME}__next`);
    const stray = await strayId();
    await expect(
      runner.deadLetters.resolve({ id: stray, action: 'skip', by: 'admin1' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await runner.migrate();
    expect((await letters()).filter((d) => d.read_model !== NAME)).toEqual([]);
  });

  it('resolved while a switch hands them to the live name are refused, and stay parked', async () => {
    await sql`INSERT INTO hearth.dead_letters (read_model, stream, seq, subject, type, error)
      VALUES (${`${NAME}__next`}, 'x', 999999, 'x', 'x', 'x')`.execute(db);
    const stray = await strayId();
    // A switch's transaction, held open: it has moved the letter, not yet committed.
    const switching = await rt.pool.connect();
    try {
      await switching.query('BEGIN');
      await switching.query('UPDATE hearth.dead_letters SET read_model = $1 WHERE id = $2', [NAME, stray]);
      const resolving = runner.deadLetters.resolve({ id: stray, action: 'skip', by: 'admin1' });
      resolving.catch(() => undefined);
      // The resolve has read the letter's old name and waits for the row.
      for (let i = 0; i < 100; i++) {
        const { rows } = await switching.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await switching.query('COMMIT');
      await expect(resolving).rejects.toMatchObject({ code: 'conflict' });
    } finally {
      switching.release();
    }
    const [after] = (await letters()).filter((d) => d.seq === 999999 && d.read_model === NAME);
    expect(after).toMatchObject({ status: 'parked', resolved_by: null });
    await sql`DELETE FROM hearth.dead_letters WHERE id = ${stray}`.execute(db);
  });
});
