// A rebuild chases a live version that keeps moving for as many rounds as it takes: it goes
// to its switch only once what is left is a few batches, so the switch never holds the live
// worker while it reads a long stretch, however many rounds the chase took.
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { CHASE_BATCHES } from './rebuild.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

const NAME = 'rc_seen';
const BATCH = 2;
/** Rounds in which the live version moves on as soon as the rebuild has caught up with it. */
const ROUNDS = 25;
/** Events published each round: more than the switch may be left to read. */
const PER_ROUND = BATCH * CHASE_BATCHES + 2;

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let published = 0;
const chase = { rounds: 0, underSwitch: 0 };

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
  for (let i = 0; i < PER_ROUND; i++) last = await publishIdentity(rt.log, signedIn('u', `s${published++}`));
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

describe('a rebuild under a live version that keeps moving', () => {
  it('chases it round after round, and leaves its switch only a few batches', async () => {
    const done = await runner.rebuild(NAME);
    expect(done).toMatchObject({ status: 'done' });
    expect(done.verification?.equal).toBe(true);
    expect(chase.rounds).toBe(ROUNDS);
    expect(chase.underSwitch).toBeLessThanOrEqual(BATCH * CHASE_BATCHES);
    expect(done.targetSeq).toBe(await checkpoint());
  }, 120_000);
});
