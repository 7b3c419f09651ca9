// Applies a batch and the checkpoint in one transaction. Events at or below the checkpoint
// are skipped, so a redelivered batch changes nothing; a poison event is parked, not retried.
// The fast path applies the batch in one go; only a failing batch pays for savepoints.
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEvent, type RawMessage } from '../../writers/log/decode.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import { isDatabaseUnavailable } from './pool.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';
import type { AnyProjection, StoredEvent } from './types.ts';

export type BatchOutcome = { lastSeq: number; applied: number; skipped: number; parked: number };

/**
 * A batch on its own, for whatever the live worker's pipeline (pipeline.ts) gives back, on a
 * pooled connection: BEGIN, the checkpoint lock and its move travel as one simple query. The
 * checkpoint is moved before the events are applied; both commit or roll back together, so
 * the order inside the transaction does not matter.
 */
export async function applyBatch({
  pool,
  projection,
  stream,
  messages,
}: {
  pool: pg.Pool;
  projection: AnyProjection;
  stream: string;
  messages: RawMessage[];
}): Promise<BatchOutcome> {
  let last = 0;
  for (const m of messages) if (m.seq > last) last = m.seq;
  const attempt = async (careful: boolean): Promise<BatchOutcome> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const checkpoint = await beginBatch(client, projection.name, last);
      const fresh = messages.filter((m) => m.seq > checkpoint);
      if (fresh.length === 0) {
        await client.query('ROLLBACK');
        return { lastSeq: checkpoint, applied: 0, skipped: messages.length, parked: 0 };
      }
      const target = {
        tx: boundTo(client),
        projection,
        stream,
        messages: fresh,
        schema: projection.name,
        rebuilding: false,
      };
      let parked = 0;
      if (careful) parked = await applyCareful(target);
      else await applyFast(target);
      await client.query('COMMIT');
      const lastSeq = Math.max(checkpoint, last);
      return { lastSeq, applied: fresh.length - parked, skipped: messages.length - fresh.length, parked };
    } catch (err) {
      // ROLLBACK outside a transaction only warns. A connection that cannot roll back, or
      // failed on the wire, must not go back to the pool.
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      // A key not loaded yet says nothing of the connection; anything else transient may.
      if (isTransient(err) && !(err instanceof KeyPending)) broken ??= err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  };
  try {
    return await attempt(false);
  } catch (err) {
    if (isTransient(err)) throw err;
    // Something in the batch is poison: redo it one event per savepoint and park the culprits.
    return attempt(true);
  }
}

/**
 * Opens the transaction, waits for the checkpoint row lock (a rebuild's switch holds it),
 * reads the checkpoint as it is after that wait and moves it to `last`. A simple query may
 * carry several statements, each with its own snapshot, in one round trip; it takes no
 * parameters, so the two values are inlined: an escaped name and a checked integer.
 */
export async function beginBatch(client: pg.ClientBase, readModel: string, last: number): Promise<number> {
  if (!Number.isSafeInteger(last) || last < 0) throw new Error(`bad stream sequence ${last}`);
  const name = client.escapeLiteral(readModel);
  const results = (await client.query(
    `BEGIN;
    SELECT last_seq FROM ${RUNTIME_SCHEMA}.checkpoints WHERE read_model = ${name} FOR UPDATE;
    UPDATE ${RUNTIME_SCHEMA}.checkpoints SET last_seq = GREATEST(last_seq, ${last}), updated_at = now()
      WHERE read_model = ${name}`,
  )) as unknown as pg.QueryResult<{ last_seq: string }>[];
  const row = results[1]?.rows[0];
  if (!row) throw new Error(`no checkpoint row for read model ${readModel}`);
  return Number(row.last_seq);
}

const bound = new WeakMap<pg.ClientBase, Kysely<RuntimeDB>>();

/** Kysely's transaction() and connection().transaction() begin with one of these. */
const BEGIN = /^\s*(begin|start transaction)\b/i;

/**
 * A Kysely whose every query runs on this one connection, inside the transaction the runtime
 * opened on it. Kept per connection: the pool hands the same few out again and again.
 */
export function boundTo(client: pg.ClientBase): Kysely<RuntimeDB> {
  let db = bound.get(client);
  if (!db) {
    // Kysely releases its "pool client" after each query; the runtime releases the real one.
    // A projection's own transaction would end the batch's (a nested BEGIN only warns, and its
    // COMMIT commits the batch): refuse it, as a kysely Transaction refuses transaction().
    const lease = {
      query: (text: string, values?: unknown[]) =>
        BEGIN.test(text)
          ? Promise.reject(
              new Error('a projection runs inside the batch transaction; it cannot open its own'),
            )
          : client.query(text, values),
      release: () => {},
    };
    const pool = { connect: async () => lease, end: async () => {} };
    db = new Kysely<RuntimeDB>({ dialect: new PostgresDialect({ pool: pool as never }) });
    bound.set(client, db);
  }
  return db;
}

type Target = {
  /** Bound to the transaction: kysely's own, or a connection the runtime holds in one. */
  tx: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  messages: RawMessage[];
  schema: string;
  rebuilding: boolean;
};

const context = ({ tx, schema, rebuilding }: Target) => ({
  db: tx.withSchema(schema) as unknown as Kysely<never>,
  schema,
  rebuilding,
});

/** The whole batch in one go; throws if any event does not decode or apply. */
export async function applyFast(target: Target): Promise<void> {
  const events = target.messages.map((m) => {
    const e = decoded(target.projection.domain, target.stream, m);
    if (e instanceof Error) throw e;
    return e;
  });
  await target.projection.apply(events as never, context(target));
}

/** One event per savepoint: a poison event is parked and the rest still apply. Returns how many were parked. */
export async function applyCareful(target: Target): Promise<number> {
  const { tx, projection, stream } = target;
  const ctx = context(target);
  let parked = 0;
  for (const msg of target.messages) {
    const event = decoded(projection.domain, stream, msg);
    if (event instanceof Error) {
      if (isTransient(event)) throw event;
      await park({ target, msg, type: '', error: event });
      parked++;
      continue;
    }
    await sql`SAVEPOINT one`.execute(tx);
    try {
      await projection.apply([event] as never, ctx);
      await sql`RELEASE SAVEPOINT one`.execute(tx);
    } catch (err) {
      if (isTransient(err)) throw err;
      await sql`ROLLBACK TO SAVEPOINT one`.execute(tx);
      await park({ target, msg, type: event.type, error: err });
      parked++;
    }
  }
  return parked;
}

/** Inside a transaction the caller keeps: the fast path under a savepoint, else careful. */
export async function applyIsolating(target: Target): Promise<number> {
  await sql`SAVEPOINT batch`.execute(target.tx);
  try {
    await applyFast(target);
    await sql`RELEASE SAVEPOINT batch`.execute(target.tx);
    return 0;
  } catch (err) {
    if (isTransient(err)) throw err;
    await sql`ROLLBACK TO SAVEPOINT batch`.execute(target.tx);
    return applyCareful(target);
  }
}

/** Decoding is pure: the worker may do it ahead of time, while the previous batch commits. */
export function decoded(domain: Domain, stream: string, msg: RawMessage): StoredEvent | Error {
  msg.decoded ??= decodeOrError(domain, stream, msg);
  const result = msg.decoded;
  // A key made elsewhere a moment ago: look it up, and decode again when the batch is retried.
  if (result instanceof KeyPending) {
    msg.decoded = undefined;
    void fetchKey(result.keyId);
  }
  return result;
}

function decodeOrError(domain: Domain, stream: string, msg: RawMessage): StoredEvent | Error {
  try {
    return decodeEvent(domain, stream, msg);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Files the event under the version it failed in: a rebuild's go under its new version's name
 * (rebuild-switch.ts hands them to the live name when it switches). Parked again, a parked
 * one counts another attempt; one an admin resolved stays resolved.
 */
async function park({
  target,
  msg,
  type,
  error,
}: {
  target: Target;
  msg: RawMessage;
  type: string;
  error: unknown;
}): Promise<void> {
  const { tx, projection, stream, rebuilding, schema } = target;
  const text = error instanceof Error ? error.message : String(error);
  await tx
    .withSchema(RUNTIME_SCHEMA)
    .insertInto('dead_letters')
    .values({
      read_model: rebuilding ? schema : projection.name,
      stream,
      seq: msg.seq,
      subject: msg.subject,
      type: type || msg.header?.get('Hearth-Type') || 'unknown',
      error: text.slice(0, 2000),
    })
    .onConflict((oc) =>
      oc
        .columns(['read_model', 'seq'])
        .doUpdateSet({ error: text.slice(0, 2000), attempts: sql`dead_letters.attempts + 1` })
        .where('dead_letters.status', '=', 'parked'),
    )
    .execute();
}

/** Serialization failures, deadlocks, insufficient resources: worth another try as they are. */
const TRANSIENT_SQLSTATE = /^(40001|40P01|53)/;

/** Failures worth retrying: the database or network, not the event. */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, transient } = err as { code?: string; transient?: unknown };
  // A reactor held, or the log it issues to away (reactor.ts).
  if (transient === true) return true;
  if (typeof code === 'string' && TRANSIENT_SQLSTATE.test(code)) return true;
  return isDatabaseUnavailable(err);
}
