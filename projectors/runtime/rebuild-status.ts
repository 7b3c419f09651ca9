// A rebuild's row in hearth.rebuilds: where it stands, what its verification found, and a
// cancel asked for by any process. The rebuild's advisory lock tells a live one from a row
// whose process died.
import { type Kysely, sql } from 'kysely';
import type { RebuildState, RebuildVerification } from '../../contracts/admin.api.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';

export type RebuildProgress = {
  readModel: string;
  status: RebuildState;
  processed: number;
  targetSeq: number;
  eventsPerSecond: number;
  remaining: number;
  etaSeconds: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  acceptDifferences: boolean;
  verification: RebuildVerification | null;
};

/** Still under way: a reactor reading the read model is held, a second rebuild refused. */
export const ACTIVE: readonly RebuildState[] = ['running', 'verifying', 'switching'];
export const isActive = (status: RebuildState) => ACTIVE.includes(status);

/**
 * A rebuild holds this advisory lock (on a connection of its own) from its claim to its end, so
 * a row left `running` by a process that died is told apart from a live one: while the row
 * says running, the lock says whether anyone still is. Scoped to the database, as tests share
 * one server.
 */
export const lockKey = (readModel: string) => sql`hashtext('hearth.rebuild'), hashtext(${readModel})`;

/** SQL: true when a live process holds the rebuild lock of `readModel` (a column or a value). */
export function rebuildAlive(readModel: ReturnType<typeof sql.ref> | string) {
  const name = typeof readModel === 'string' ? sql`${readModel}` : readModel;
  return sql<boolean>`EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = hashtext('hearth.rebuild')::oid AND l.objid = hashtext(${name})::oid)`;
}

/** Starts the row afresh for a rebuild that holds the lock (a row still active is a dead one's). */
export async function claimRow(
  db: Kysely<RuntimeDB>,
  readModel: string,
  acceptDifferences: boolean,
): Promise<void> {
  const fresh = {
    status: 'running' as const,
    processed: 0,
    position: 0,
    target_seq: 0,
    events_per_second: 0,
    finished_at: null,
    error: null,
    accept_differences: acceptDifferences,
    cancel_requested_at: null,
    verification: null,
  };
  await db
    .withSchema(RUNTIME_SCHEMA)
    .insertInto('rebuilds')
    .values({ read_model: readModel, ...fresh })
    .onConflict((oc) => oc.column('read_model').doUpdateSet({ ...fresh, started_at: sql`now()` }))
    .execute();
}

/**
 * Asks the rebuild of `readModel` to stop, wherever it runs: it drops its new version and
 * leaves the live one as it was. Refused when none is under way, or once it is switching.
 */
export async function requestCancel(db: Kysely<RuntimeDB>, readModel: string): Promise<void> {
  // Waits for a switch in progress (it holds the row), then finds it no longer running.
  const asked = await db
    .withSchema(RUNTIME_SCHEMA)
    .updateTable('rebuilds as r')
    .set({ cancel_requested_at: sql`coalesce(cancel_requested_at, now())` })
    .where('read_model', '=', readModel)
    .where('status', 'in', ['running', 'verifying'])
    .where(rebuildAlive(sql.ref('r.read_model')))
    .returning('read_model')
    .executeTakeFirst();
  if (!asked) throw commonErrors.conflict(`No rebuild of ${readModel} is running that can be cancelled.`);
}

export async function rebuildStatus(
  db: Kysely<RuntimeDB>,
  readModel: string,
): Promise<RebuildProgress | null> {
  const row = await db
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('rebuilds')
    .selectAll()
    .select(rebuildAlive(readModel).as('alive'))
    .where('read_model', '=', readModel)
    .executeTakeFirst();
  if (!row) return null;
  const processed = Number(row.processed);
  const targetSeq = Number(row.target_seq);
  const remaining = row.status === 'done' ? 0 : Math.max(targetSeq - Number(row.position), 0);
  // Still active with nobody holding its lock: the process that ran it is gone.
  const orphaned = isActive(row.status) && !row.alive;
  return {
    readModel,
    status: orphaned ? 'failed' : row.status,
    processed,
    targetSeq,
    eventsPerSecond: Math.round(row.events_per_second),
    remaining,
    etaSeconds: row.events_per_second > 0 ? Math.ceil(remaining / row.events_per_second) : null,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: orphaned ? 'The process running this rebuild stopped before it finished.' : row.error,
    acceptDifferences: row.accept_differences,
    verification: row.verification,
  };
}
