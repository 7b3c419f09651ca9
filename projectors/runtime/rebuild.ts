// Replays a read model from the log into a schema beside the live one, then swaps them in
// one transaction that holds the checkpoint row, so the live worker pauses for the switch
// and resumes exactly after the rebuilt position. Once old events have expired it starts
// from the read model's baseline (baseline.ts) instead of from nothing.
import { DeliverPolicy } from '@nats-io/jetstream';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import { type RawMessage, toRaw } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { applyCareful, applyFast, applyIsolating, decoded, isTransient } from './apply.ts';
import { rebuildStart } from './baseline.ts';
import { migrateSchema } from './migrate.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection } from './types.ts';

export type RebuildProgress = {
  readModel: string;
  status: 'running' | 'switching' | 'done' | 'failed';
  processed: number;
  targetSeq: number;
  eventsPerSecond: number;
  remaining: number;
  etaSeconds: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
};

/**
 * A rebuild holds this advisory lock (on a connection of its own) from its claim to its end, so
 * a row left `running` by a process that died is told apart from a live one: while the row
 * says running, the lock says whether anyone still is. Scoped to the database, as tests share
 * one server.
 */
const lockKey = (readModel: string) => sql`hashtext('hearth.rebuild'), hashtext(${readModel})`;

/** SQL: true when a live process holds the rebuild lock of `readModel` (a column or a value). */
export function rebuildAlive(readModel: ReturnType<typeof sql.ref> | string) {
  const name = typeof readModel === 'string' ? sql`${readModel}` : readModel;
  return sql<boolean>`EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = hashtext('hearth.rebuild')::oid AND l.objid = hashtext(${name})::oid)`;
}

export async function rebuild(input: {
  db: Kysely<RuntimeDB>;
  log: Log;
  projection: AnyProjection;
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}): Promise<RebuildProgress> {
  const { db, projection } = input;
  if (projection.rebuildable === false) {
    throw commonErrors.invalidRequest(`Read model ${projection.name} cannot be rebuilt beside itself.`);
  }
  return db.connection().execute(async (owner) => {
    const { rows } = await sql<{ ok: boolean }>`
      SELECT pg_try_advisory_lock(${lockKey(projection.name)}) AS ok`.execute(owner);
    if (!rows[0]?.ok) throw commonErrors.conflict(`A rebuild of ${projection.name} is already running.`);
    try {
      return await rebuildHoldingLock(input);
    } finally {
      await sql`SELECT pg_advisory_unlock(${lockKey(projection.name)})`.execute(owner).catch(() => undefined);
    }
  });
}

async function rebuildHoldingLock({
  db,
  log,
  projection,
  batchSize = 500,
  onProgress,
}: {
  db: Kysely<RuntimeDB>;
  log: Log;
  projection: AnyProjection;
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}): Promise<RebuildProgress> {
  const stream = log.names.stream(projection.domain);
  const target = `${projection.name}__next`;
  const runtime = db.withSchema(RUNTIME_SCHEMA);
  const claimed = await runtime
    .insertInto('rebuilds')
    .values({
      read_model: projection.name,
      status: 'running',
      processed: 0,
      position: 0,
      target_seq: 0,
      events_per_second: 0,
      error: null,
      finished_at: null,
    })
    .onConflict(
      (oc) =>
        oc.column('read_model').doUpdateSet({
          status: 'running',
          processed: 0,
          position: 0,
          target_seq: 0,
          events_per_second: 0,
          started_at: sql`now()`,
          finished_at: null,
          error: null,
        }),
      // Holding the lock, this is the only rebuild: a row still `running` is one whose process died.
    )
    .returning('read_model')
    .executeTakeFirst();
  if (!claimed) throw commonErrors.conflict(`A rebuild of ${projection.name} is already running.`);

  const started = Date.now();
  let processed = 0;
  let position = 0;
  const streamInfo = await log.jsm.streams.info(stream);
  let targetSeq = streamInfo.state.last_seq;
  const report = async (status: RebuildProgress['status'], error: string | null = null) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = processed / seconds;
    const remaining = Math.max(targetSeq - position, 0);
    const progress: RebuildProgress = {
      readModel: projection.name,
      status,
      processed,
      targetSeq,
      eventsPerSecond: Math.round(rate),
      remaining,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : null,
      startedAt: new Date(started),
      finishedAt: status === 'done' || status === 'failed' ? new Date() : null,
      error,
    };
    await runtime
      .updateTable('rebuilds')
      .set({
        status,
        processed,
        position,
        target_seq: targetSeq,
        events_per_second: rate,
        finished_at: progress.finishedAt,
        error,
      })
      .where('read_model', '=', projection.name)
      .execute();
    onProgress?.(progress);
    return progress;
  };

  try {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(target)} CASCADE`.execute(db);
    await migrateSchema({
      db: db as unknown as Kysely<unknown>,
      schema: target,
      migrations: projection.migrations,
    });
    // Once old events have expired, from the baseline that sums them up.
    position = projection.retainedOnly
      ? 0
      : await rebuildStart({
          db: db as unknown as Kysely<unknown>,
          readModel: projection.name,
          target,
          firstSeq: streamInfo.state.first_seq,
        });
    await projection.prepareRebuild?.({ db: db as unknown as Kysely<unknown>, schema: target });
    // No filter when it is all the stream holds: nats-server 2.9 walks every subject of the
    // stream for a filtered consumer's pending count (see ensureConsumer in worker.ts).
    const filter = log.names.domainFilter(projection.domain);
    const { subjects = [] } = streamInfo.config;
    const whole = subjects.length === 1 && subjects[0] === filter;
    const consumer = await log.js.consumers.get(stream, {
      ...(whole ? {} : { filter_subjects: filter }),
      ...(position === 0
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }),
    });
    // The highest sequence fetched so far: the next batch is fetched while this one is written.
    let fetched = position;
    const pull = async (upTo: number): Promise<RawMessage[]> => {
      const out: RawMessage[] = [];
      // Asking for no more than remains lets the last fetch return at once instead of expiring.
      let max = Math.max(1, Math.min(batchSize, upTo - fetched));
      // On the last stretch the sequences left overcount the messages (expired ones, other
      // subjects'): the consumer says how many there are, so the fetch ends when they are in.
      if (upTo - fetched <= batchSize) {
        const pending = (await consumer.info()).num_pending;
        if (pending === 0) return out;
        max = Math.min(max, pending);
      }
      const iter = await consumer.fetch({ max_messages: max, expires: 1000 });
      for await (const m of iter) out.push(toRaw(m));
      if (out.length > 0) fetched = (out.at(-1) as RawMessage).seq;
      return out;
    };
    // Fetched and decoded ahead, so the log and the decoding overlap the database's work.
    const ahead = (upTo: number): Promise<RawMessage[]> => {
      const next = pull(upTo).then((batch) => {
        for (const m of batch) decoded(projection.domain, stream, m);
        return batch;
      });
      next.catch(() => undefined); // awaited below; never left unhandled if the batch fails first
      return next;
    };

    const targetDb = db.withSchema(target) as unknown as Kysely<never>;
    const oneStatement = (batch: RawMessage[]): CompiledQuery | null | undefined => {
      if (!projection.batchStatement) return undefined;
      const events = [];
      for (const m of batch) {
        const e = decoded(projection.domain, stream, m);
        if (e instanceof Error) return undefined; // the careful path parks it
        events.push(e);
      }
      try {
        return projection.batchStatement(events as never, { db: targetDb, schema: target, rebuilding: true });
      } catch {
        return undefined; // apply will say what is wrong
      }
    };

    let lastReport = 0;
    let next = ahead(targetSeq);
    while (position < targetSeq) {
      const batch = await next;
      if (batch.length === 0) {
        // The tail may be gone (deleted or expired): stop when nothing is pending.
        if ((await consumer.info()).num_pending === 0) break;
        next = ahead(targetSeq);
        continue;
      }
      next = fetched < targetSeq ? ahead(targetSeq) : Promise.resolve([]);
      const into = { projection, stream, messages: batch, schema: target, rebuilding: true };
      const careful = async (err: unknown) => {
        if (isTransient(err)) throw err;
        await db.transaction().execute((tx) => applyCareful({ tx, ...into }));
      };
      // One statement is atomic by itself, and a failed rebuild starts over from nothing: a
      // batch that is one statement needs no transaction around it (one round trip, not three).
      const fast = () => db.transaction().execute((tx) => applyFast({ tx, ...into }));
      const statement = oneStatement(batch);
      if (statement === undefined) await fast().catch(careful);
      else if (statement !== null)
        await db
          .executeQuery(statement)
          .catch((err: unknown) => {
            if (isTransient(err)) throw err;
            return fast(); // the statement's own fallback, as on the live path
          })
          .catch(careful);
      processed += batch.length;
      position = (batch.at(-1) as RawMessage).seq;
      if (Date.now() - lastReport > 500) {
        lastReport = Date.now();
        await report('running');
      }
    }
    // Nothing may still be on its way when the switch pulls the tail.
    await next;

    await report('switching');
    await db.transaction().execute(async (tx) => {
      await tx
        .withSchema(RUNTIME_SCHEMA)
        .selectFrom('checkpoints')
        .select('last_seq')
        .where('read_model', '=', projection.name)
        .forUpdate()
        .execute();
      // The live worker is paused on the row lock: catch up to the very end, then swap.
      const end = (await log.jsm.streams.info(stream)).state.last_seq;
      while (position < end) {
        const batch = await pull(end);
        if (batch.length === 0) break;
        await applyIsolating({ tx, projection, stream, messages: batch, schema: target, rebuilding: true });
        processed += batch.length;
        position = (batch.at(-1) as RawMessage).seq;
      }
      position = Math.max(position, end);
      await sql`DROP SCHEMA IF EXISTS ${sql.id(projection.name)} CASCADE`.execute(tx);
      await sql`ALTER SCHEMA ${sql.id(target)} RENAME TO ${sql.id(projection.name)}`.execute(tx);
      await tx
        .withSchema(RUNTIME_SCHEMA)
        .insertInto('checkpoints')
        .values({ read_model: projection.name, stream, last_seq: position })
        .onConflict((oc) =>
          oc.column('read_model').doUpdateSet({ last_seq: position, updated_at: sql`now()` }),
        )
        .execute();
    });
    targetSeq = position;
    return await report('done');
  } catch (err) {
    const failed = await report('failed', err instanceof Error ? err.message : String(err)).catch(() => null);
    if (failed)
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { progress: failed });
    throw err;
  }
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
  // Still `running` with nobody holding its lock: the process that ran it is gone.
  const orphaned = (row.status === 'running' || row.status === 'switching') && !row.alive;
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
  };
}
