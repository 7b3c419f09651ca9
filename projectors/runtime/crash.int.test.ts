import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, registered, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { NATS_URL } from '../../test/services.ts';
import type { Log } from '../../writers/log/open.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { findUser } from '../identity-users/queries.ts';
import { consumerName } from './consumer.ts';
import type { AnyProjection } from './types.ts';

let rt: TestRuntime;
let db: Kysely<unknown>;
let log: Log;

beforeAll(async () => {
  rt = await openTestRuntime();
  ({ db, log } = rt);
});
afterAll(() => rt.cleanup());

function runCrashingWorker(): Promise<{ code: number | null; signal: string | null; out: string }> {
  const file = fileURLToPath(new URL('./crash-worker.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, NATS_URL, DATABASE_URL: rt.databaseUrl, PREFIX: rt.prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
}

describe('when a worker dies between commit and ack', () => {
  it('the next worker skips the redelivered batch: nothing is applied twice or lost', async () => {
    await publishIdentity(log, registered('dora'));
    for (let i = 0; i < 5; i++) await publishIdentity(log, signedIn('dora', `s${i}`));
    const lastBeforeCrash = (await log.jsm.streams.info(log.names.stream('identity'))).state.last_seq;

    const crashed = await runCrashingWorker();
    expect(crashed.signal).toBe('SIGKILL');
    // The first batch may hold all six events or only the first few that had arrived.
    const committed = Number(/committed (\d+)/.exec(crashed.out)?.[1]);
    expect(committed).toBeGreaterThanOrEqual(1);
    expect(committed).toBeLessThanOrEqual(lastBeforeCrash);
    // Committed, yet never acknowledged: the log will deliver the batch again.
    const consumer = await log.jsm.consumers.info(
      log.names.stream('identity'),
      consumerName(identityUsersProjection as unknown as AnyProjection),
    );
    expect(consumer.ack_floor.stream_seq).toBeLessThan(committed);
    // A batch sent whole behind the first may have committed too before the kill (the worker
    // pipelines them); either way the read model holds exactly what its checkpoint says.
    const { rows } = await sql<{ last_seq: string }>`
      SELECT last_seq FROM hearth.checkpoints WHERE read_model = 'identity_users'`.execute(db);
    const checkpoint = Number(rows[0]?.last_seq);
    expect(checkpoint).toBeGreaterThanOrEqual(committed);
    // Seq 1 registered dora; each later seq is one sign-in.
    expect(await findUser(db, 'dora')).toMatchObject({ signInCount: checkpoint - 1 });

    const runner = await rt.runner([identityUsersProjection as unknown as AnyProjection], {
      ackWaitMs: 1000,
    });
    const seq = await publishIdentity(log, signedIn('dora', 'after'));
    expect(await runner.waitFor('identity_users', seq, 10_000)).toBe(true);
    expect(await findUser(db, 'dora')).toMatchObject({ signInCount: 6 });
    // The redelivered batch was acknowledged this time.
    await expect
      .poll(
        async () =>
          (await log.jsm.consumers.info(log.names.stream('identity'), 'rm_identity_users')).ack_floor
            .stream_seq,
        { timeout: 5000 },
      )
      .toBe(seq);
  });
});
