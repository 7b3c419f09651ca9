// A projector runtime on real services for one test file: its own namespace and database.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import pino from 'pino';
import { createProjectorRunner, type ProjectorRunner } from '../projectors/runtime/runner.ts';
import type { AnyProjection } from '../projectors/runtime/types.ts';
import { type Log, openLog } from '../writers/log/open.ts';
import { openDb } from './db.ts';
import { testDatabase, testNats } from './services.ts';

export type TestRuntime = {
  db: Kysely<unknown>;
  pool: pg.Pool;
  log: Log;
  prefix: string;
  databaseUrl: string;
  /** A runner over these projections (migrated, not started unless asked). */
  runner: (
    projections: AnyProjection[],
    opts?: { ackWaitMs?: number; lingerMs?: number; batchSize?: number; start?: boolean },
  ) => Promise<ProjectorRunner>;
  cleanup: () => Promise<void>;
};

export async function openTestRuntime(): Promise<TestRuntime> {
  const nats = await testNats();
  const database = await testDatabase();
  const { db, pool } = openDb(database.url);
  const log = await openLog({ nc: nats.nc, names: nats.names });
  const runners: ProjectorRunner[] = [];
  return {
    db,
    pool,
    log,
    prefix: nats.prefix,
    databaseUrl: database.url,
    runner: async (projections, { ackWaitMs, lingerMs, batchSize, start = true } = {}) => {
      const runner = createProjectorRunner({
        db,
        pool,
        log,
        projections,
        logger: pino({ level: 'silent' }),
        ...(ackWaitMs ? { ackWaitMs } : {}),
        ...(lingerMs ? { lingerMs } : {}),
        ...(batchSize ? { batchSize } : {}),
      });
      runners.push(runner);
      await runner.migrate();
      if (start) await runner.start();
      return runner;
    },
    cleanup: async () => {
      for (const r of runners) await r.stop();
      await db.destroy();
      await database.cleanup();
      await nats.cleanup();
    },
  };
}
