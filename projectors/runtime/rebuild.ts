// Blue/green rebuilds. Replays a read model from the log into a schema beside the live one, up
// to the live version's checkpoint. Then, in one transaction holding the checkpoint row (the
// live worker pauses on it), catches up to where the live version stands, compares the two
// (rows and a content hash per table, verify.ts) and swaps them only when they are equal, or
// when the admin accepted the differences of a rules change. The live worker resumes from its
// own checkpoint, so nothing written meanwhile is lost or applied twice. Once old events have
// expired it starts from the read model's baseline (baseline.ts) instead of from nothing.
import { type Kysely, sql } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import type { RawMessage } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { rebuildStart } from './baseline.ts';
import { dropRebuiltLetters } from './dead-letters.ts';
import { migrateSchema } from './migrate.ts';
import { applyToVersion, type ReplayMember, replayGroup } from './rebuild-replay.ts';
import { claimRow, lockKey, type RebuildProgress } from './rebuild-status.ts';
import { switchVerified } from './rebuild-switch.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export {
  type RebuildProgress,
  rebuildAlive,
  rebuildStatus,
  requestCancel,
} from './rebuild-status.ts';

export type RebuildOptions = {
  onProgress?: (p: RebuildProgress) => void;
  /** Switch even when the versions differ (the rules changed); the report still says how. */
  acceptDifferences?: boolean;
  /** Aborting cancels, as a cancel asked through the row does. */
  signal?: AbortSignal;
  /** Called once this rebuild holds its lock and its row says so (errors before it are thrown). */
  onClaimed?: () => void;
  /** Its place in a group of rebuilds that read the stream once (runner.rebuildTogether). */
  together?: ReplayMember;
};

/** The most batches a rebuild leaves for its switch to read while the live worker waits. */
export const CHASE_BATCHES = 4;
/**
 * Rounds of the chase in which the gap to the live version did not shrink (writes outpace the
 * replay), after which the switch reads what is left under its lock rather than chase forever.
 */
export const CHASE_STALE_ROUNDS = 20;

/** Thrown inside the rebuild when it is cancelled; it ends as `cancelled`, not failed. */
const CANCELLED = Symbol('cancelled');

export async function rebuild(
  input: { db: Kysely<RuntimeDB>; log: Log; projection: AnyProjection; batchSize?: number } & RebuildOptions,
): Promise<RebuildProgress> {
  const { projection } = input;
  const member =
    input.together ??
    replayGroup({
      log: input.log,
      domain: projection.domain,
      size: 1,
      batchSize: input.batchSize ?? 500,
    }).join(projection.name);
  // Whatever ends it, its group no longer waits for it.
  try {
    if (projection.rebuildable === false) {
      throw commonErrors.invalidRequest(`Read model ${projection.name} cannot be rebuilt beside itself.`);
    }
    return await rebuildLocked({ ...input, together: member });
  } finally {
    member.leave();
  }
}

function rebuildLocked(
  input: { db: Kysely<RuntimeDB>; log: Log; projection: AnyProjection; batchSize?: number } & RebuildOptions,
): Promise<RebuildProgress> {
  const { db, projection } = input;
  return db.connection().execute(async (owner) => {
    const { rows } = await sql<{ ok: boolean }>`
      SELECT pg_try_advisory_lock(${lockKey(projection.name)}) AS ok`.execute(owner);
    if (!rows[0]?.ok) throw commonErrors.conflict(`A rebuild of ${projection.name} is already running.`);
    try {
      // The new version is written on this session without waiting for each commit to reach
      // the disk: a crash loses it anyway (a rebuild starts over), and the switch's own commit,
      // made as every other, flushes all that came before it in the log.
      // Set for the session, not per transaction: a batch that is one statement runs in none.
      await sql`SET synchronous_commit = off`.execute(owner);
      return await rebuildHoldingLock({ ...input, writer: owner });
    } finally {
      await release(owner, projection.name);
    }
  });
}

/**
 * Gives the session back as the pool lends it: committing as every other, its lock released.
 * One whose setting cannot be reset is ended instead (its lock goes with it), so no later
 * borrower writes on it without waiting for the disk.
 */
async function release(owner: Kysely<RuntimeDB>, name: string): Promise<void> {
  const reset = await sql`RESET synchronous_commit`.execute(owner).then(
    () => true,
    () => false,
  );
  if (!reset) {
    await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(owner).catch(() => undefined);
    return;
  }
  await sql`SELECT pg_advisory_unlock(${lockKey(name)})`.execute(owner).catch(() => undefined);
}

async function rebuildHoldingLock(
  input: {
    db: Kysely<RuntimeDB>;
    /** The session that holds the rebuild's lock: the new version is written on it. */
    writer: Kysely<RuntimeDB>;
    log: Log;
    projection: AnyProjection;
    batchSize?: number;
  } & RebuildOptions,
): Promise<RebuildProgress> {
  const { db, log, projection, batchSize = 500, onProgress, signal, onClaimed, together } = input;
  const acceptDifferences = input.acceptDifferences === true;
  const stream = log.names.stream(projection.domain);
  const target = `${projection.name}__next`;
  const runtime = db.withSchema(RUNTIME_SCHEMA);
  const anyDb = db as unknown as Kysely<unknown>;
  await claimRow(db, projection.name, acceptDifferences);
  onClaimed?.();

  const started = Date.now();
  const state = { processed: 0, position: 0, targetSeq: 0, cancelAsked: false };
  const liveCheckpoint = async () => {
    const row = await runtime
      .selectFrom('checkpoints')
      .select('last_seq')
      .where('read_model', '=', projection.name)
      .executeTakeFirst();
    if (!row) throw commonErrors.notFound(`Read model ${projection.name} has no live version to rebuild.`);
    return Number(row.last_seq);
  };
  const progressOf = (status: RebuildProgress['status'], error: string | null = null): RebuildProgress => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = state.processed / seconds;
    const remaining = status === 'done' ? 0 : Math.max(state.targetSeq - state.position, 0);
    const ended = !['running', 'verifying', 'switching'].includes(status);
    return {
      readModel: projection.name,
      status,
      processed: state.processed,
      targetSeq: state.targetSeq,
      eventsPerSecond: Math.round(rate),
      remaining,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : null,
      startedAt: new Date(started),
      finishedAt: ended ? new Date() : null,
      error,
      acceptDifferences,
      verification: null,
    };
  };
  const report = async (status: RebuildProgress['status'], error: string | null = null) => {
    const progress = progressOf(status, error);
    const row = await runtime
      .updateTable('rebuilds')
      .set({
        status,
        processed: state.processed,
        position: state.position,
        target_seq: state.targetSeq,
        events_per_second: progress.eventsPerSecond,
        finished_at: progress.finishedAt,
        error,
      })
      .where('read_model', '=', projection.name)
      .returning(['cancel_requested_at', 'verification'])
      .executeTakeFirst();
    if (row?.cancel_requested_at) state.cancelAsked = true;
    const out = { ...progress, verification: row?.verification ?? null };
    onProgress?.(out);
    return out;
  };
  const stopIfCancelled = () => {
    if (state.cancelAsked || signal?.aborted) throw CANCELLED;
  };

  try {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(target)} CASCADE`.execute(db);
    await dropRebuiltLetters(db, target);
    await migrateSchema({ db: anyDb, schema: target, migrations: projection.migrations });
    const first = (await log.jsm.streams.info(stream)).state.first_seq;
    // Once old events have expired, from the baseline that sums them up.
    state.position = projection.retainedOnly
      ? 0
      : await rebuildStart({ db: anyDb, readModel: projection.name, target, firstSeq: first });
    // Parked events at or below this were never replayed (expired, or summed up by the
    // baseline): the switch leaves their letters as they are.
    const replayedFrom = Math.max(state.position, first - 1);
    await projection.prepareRebuild?.({ db: anyDb, schema: target });
    if (!together) throw new Error('a rebuild reads the log through its replay group');
    const replay = await together.open({ from: state.position, signal });
    state.targetSeq = await liveCheckpoint();
    await report('running');

    // Up to the live version's checkpoint, never past it, chasing it while it moves, until
    // what is left is small: the last stretch is read under the switch's lock, with the live
    // worker waiting. The next batch is read while this one is written, so the log and the
    // decoding overlap the database's work. Writes that outpace the replay would keep it
    // chasing forever: after enough rounds that did not close the gap, the switch reads it.
    let lastReport = Date.now();
    const chase = { gap: Number.POSITIVE_INFINITY, stale: 0 };
    let next = replay.pull(state.targetSeq);
    for (;;) {
      const { batch, done } = await next;
      if (batch.length === 0 && done) {
        const live = await liveCheckpoint();
        const gap = live - state.targetSeq;
        if (gap <= batchSize * CHASE_BATCHES) break;
        if (gap >= chase.gap) chase.stale++;
        chase.gap = gap;
        if (chase.stale >= CHASE_STALE_ROUNDS) break;
        state.targetSeq = live;
        next = replay.pull(state.targetSeq);
        next.catch(() => undefined);
        continue;
      }
      next = replay.pull(state.targetSeq);
      next.catch(() => undefined); // awaited above; never left unhandled if this batch fails first
      if (batch.length > 0) {
        await applyToVersion({ db: input.writer, projection, stream, schema: target, batch });
        state.processed += batch.length;
        state.position = (batch.at(-1) as RawMessage).seq;
      }
      // An empty pass too (a fetch that expired) reads the row, so a cancel is heard.
      if (Date.now() - lastReport > 500) {
        lastReport = Date.now();
        await report('running');
      }
      stopIfCancelled();
    }

    await report('verifying');
    stopIfCancelled();
    const outcome = await switchVerified({
      db,
      projection,
      stream,
      target,
      replay,
      replayedFrom,
      acceptDifferences,
      signal,
      onApplied: (batch) => {
        state.processed += batch.length;
        state.position = (batch.at(-1) as RawMessage).seq;
      },
    });
    if (outcome.kind === 'cancelled') throw CANCELLED;
    state.targetSeq = outcome.verification.atSeq;
    state.position = Math.max(state.position, outcome.verification.atSeq);
    return await report(outcome.kind === 'switched' ? 'done' : 'mismatch');
  } catch (err) {
    // An abort ends a wait on the log (or on the group) at once, with the signal's reason.
    if (err === CANCELLED || signal?.aborted) return await report('cancelled');
    const failed = await report('failed', err instanceof Error ? err.message : String(err)).catch(() => null);
    if (failed)
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { progress: failed });
    throw err;
  } finally {
    // Switched, it has taken the live name; otherwise the new version is of no more use.
    await sql`DROP SCHEMA IF EXISTS ${sql.id(target)} CASCADE`.execute(db).catch(() => undefined);
    await dropRebuiltLetters(db, target).catch(() => undefined);
  }
}
