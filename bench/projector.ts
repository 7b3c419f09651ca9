// Figure: catch-up of the real users read model over a pre-published history, timed from
// runner.start() until runner.waitFor sees the last sequence applied.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { identityUsersProjection } from '../projectors/identity-users/projection.ts';
import { createProjectorRunner } from '../projectors/runtime/runner.ts';
import type { AnyProjection } from '../projectors/runtime/types.ts';
import { openDb } from '../test/db.ts';
import type { Log } from '../writers/log/open.ts';
import { round, timed } from './lanes.ts';
import type { Measurement } from './types.ts';

export async function measureProjector({
  log,
  url,
  lastSeq,
  events,
}: {
  log: Log;
  url: string;
  lastSeq: number;
  events: number;
}): Promise<Measurement> {
  const { db, pool } = openDb(url);
  // A pass-through wrapper: same projection, but it records how long apply (the read
  // model's own SQL) takes, to split the catch-up time between the projection and the runner.
  // Batches sent whole (batchStatement) run their SQL pipelined behind other batches, where
  // it cannot be timed apart: for those it records the JavaScript that builds the statement.
  const applyStats = { calls: 0, ms: 0 };
  const statementStats = { calls: 0, ms: 0 };
  const timedCall = <T>(stats: { calls: number; ms: number }, work: () => T): T => {
    const start = performance.now();
    const result = work();
    stats.ms += performance.now() - start;
    stats.calls++;
    return result;
  };
  const projection = {
    ...identityUsersProjection,
    apply: async (batch, ctx) => {
      const start = performance.now();
      await identityUsersProjection.apply(batch, ctx);
      applyStats.ms += performance.now() - start;
      applyStats.calls++;
    },
    batchStatement: (batch, ctx) =>
      timedCall(statementStats, () => identityUsersProjection.batchStatement?.(batch, ctx) ?? null),
  } satisfies typeof identityUsersProjection;
  // Commit times show the steady rate and any stall apart from each other.
  const commits: { at: number }[] = [];
  const runner = createProjectorRunner({
    db,
    pool,
    log,
    projections: [projection as unknown as AnyProjection],
    logger: pino({ level: 'silent' }),
    afterCommit: () => {
      commits.push({ at: performance.now() });
    },
  });
  try {
    await runner.migrate();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { result: caughtUp, seconds } = await timed(async () => {
      await runner.start();
      return runner.waitFor('identity_users', lastSeq, 120_000);
    });
    if (!caughtUp) throw new Error(`users read model did not reach seq ${lastSeq}`);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM identity_users.users');
    const used = process.cpuUsage(cpu);
    const gapMs = longestGap(started, commits);
    const batches = commits.length;
    return {
      label: 'users read model catch-up (runner)',
      unit: 'events/s',
      value: events / seconds,
      count: events,
      seconds,
      details: {
        rows: Number(rows[0]?.n ?? 0),
        batches,
        avgBatch: round(events / Math.max(batches, 1), 1),
        // The longest wait between two commits (from start), and the rate without it: a
        // stalled tail shows as a gap of about the consumer's ack wait.
        longestGapMs: Math.round(gapMs),
        firstCommitMs: Math.round((commits[0]?.at ?? started) - started),
        rateWithoutLongestGap: Math.round(events / Math.max(seconds - gapMs / 1000, 0.001)),
        msPerBatch: round((seconds * 1000 - gapMs) / Math.max(batches - 1, 1), 2),
        cpuUsPerEvent: Math.round((used.user + used.system) / events),
        applyCalls: applyStats.calls,
        applyMsPerBatch: round(applyStats.ms / Math.max(applyStats.calls, 1), 2),
        statementCalls: statementStats.calls,
        statementMsPerBatch: round(statementStats.ms / Math.max(statementStats.calls, 1), 2),
      },
    };
  } finally {
    await runner.stop();
    await db.destroy();
  }
}

function longestGap(started: number, commits: { at: number }[]): number {
  let gap = 0;
  let previous = started;
  for (const c of commits) {
    gap = Math.max(gap, c.at - previous);
    previous = c.at;
  }
  return gap;
}
