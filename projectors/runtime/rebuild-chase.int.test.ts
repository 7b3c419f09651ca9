// A rebuild chases a live version that keeps moving for as long as it closes the gap: it goes
// to its switch only once what is left is a few batches, however many rounds that took. Writes
// that keep the gap from shrinking end the chase after a bounded number of rounds instead; the
// switch then reads the last gap under its lock.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { CHASE_BATCHES, CHASE_STALE_ROUNDS } from './rebuild.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

const NAME = 'rc_seen';
const BATCH = 2;
/** Rounds in which the live version moves on as soon as the rebuild has caught up with it. */
const ROUNDS = CHASE_STALE_ROUNDS + 5;
/** Events published each round, at the least: more than the switch may be left to read. */
const PER_ROUND = BATCH * CHASE_BATCHES + 2;

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let published = 0;
/** `shrinking`: each round publishes one event fewer than the one before; `steady`: as many. */
const chase = { rounds: 0, underSwitch: 0, mode: 'shrinking' as 'shrinking' | 'steady' };
const perRound = () => (chase.mode === 'steady' ? PER_ROUND : PER_ROUND + ROUNDS - chase.rounds);

const checkpoint = async () =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT last_seq AS n FROM hearth.checkpoints WHERE read_model = ${NAME}`.execute(db)
    ).rows[0]?.n,
  );

async function moveLive() {
  let last = 0;
  const n = perRound();
  for (let i = 0; i < n; i++) last = await publishIdentity(rt.log, signedIn('u', `s${published++}`));
  expect(await runner.waitFor(NAME, last, 15_000)).toBe(true);
}

const seenProjection: Projection<{ seen: { seq: number } }, IdentityEvent> = {
  name: NAME,
  domain: 'identity',
  migrations: {
    '20261207T2310_seen': {
      up: async (db) => {
        await db.schema
          .createTable('seen')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .execute();
      },
    },
  },
  apply: async (events, { db: tx, rebuilding }) => {
    if (rebuilding) {
      // The switch marks its row in its own transaction: seen from here only while in it.
      const { rows } = await sql<{ status: string }>`
        SELECT status FROM hearth.rebuilds WHERE read_model = ${NAME}`.execute(tx);
      if (rows[0]?.status === 'switching') chase.underSwitch += events.length;
      else if (chase.rounds < ROUNDS && (events.at(-1)?.seq ?? 0) >= (await checkpoint())) {
        chase.rounds++;
        await moveLive();
      }
    }
    await tx
      .insertInto('seen')
      .values(events.map((e) => ({ seq: e.seq })))
      .execute();
  },
};

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  runner = await rt.runner([seenProjection as unknown as AnyProjection], { batchSize: BATCH });
  await moveLive();
});
afterAll(() => rt.cleanup());

const rebuildWhile = async (mode: typeof chase.mode) => {
  Object.assign(chase, { rounds: 0, underSwitch: 0, mode });
  const done = await runner.rebuild(NAME);
  expect(done).toMatchObject({ status: 'done' });
  expect(done.verification?.equal).toBe(true);
  expect(done.targetSeq).toBe(await checkpoint());
};

describe('a rebuild under a live version that keeps moving', () => {
  it('chases it while the gap shrinks, past the stale bound, and leaves its switch a few batches', async () => {
    await rebuildWhile('shrinking');
    expect(chase.rounds).toBe(ROUNDS);
    expect(chase.underSwitch).toBeLessThanOrEqual(BATCH * CHASE_BATCHES);
  }, 120_000);

  it('stops chasing writes that keep the gap from shrinking; the switch reads the last gap', async () => {
    await rebuildWhile('steady');
    // The first round closes the gap from nothing; each one after it leaves it as it was.
    expect(chase.rounds).toBe(CHASE_STALE_ROUNDS + 1);
    expect(chase.underSwitch).toBeGreaterThan(BATCH * CHASE_BATCHES);
    expect(chase.underSwitch).toBeLessThanOrEqual(PER_ROUND);
  }, 120_000);
});
