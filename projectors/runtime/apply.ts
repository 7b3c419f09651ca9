// Applies a batch and the checkpoint in one transaction. Events at or below the checkpoint
// are skipped, so a redelivered batch changes nothing; a poison event is parked, not retried.
// The fast path applies the batch in one go; only a failing batch pays for savepoints.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Domain } from '../../contracts/subjects.ts';
import type { AnyProjection, StoredEvent } from '../types.ts';
import { decodeEvent, type RawMessage } from './decode.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';

export type BatchOutcome = { lastSeq: number; applied: number; skipped: number; parked: number };

export async function applyBatch({
  db,
  projection,
  stream,
  messages,
}: {
  db: Kysely<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  messages: RawMessage[];
}): Promise<BatchOutcome> {
  const last = Math.max(...messages.map((m) => m.seq));
  const attempt = (careful: boolean) =>
    db.transaction().execute(async (tx) => {
      const checkpoint = await lockCheckpoint(tx, projection.name);
      const fresh = messages.filter((m) => m.seq > checkpoint);
      if (fresh.length === 0) return { lastSeq: checkpoint, applied: 0, skipped: messages.length, parked: 0 };
      const target = { tx, projection, stream, messages: fresh, schema: projection.name, rebuilding: false };
      let parked = 0;
      if (careful) parked = await applyCareful(target);
      else await applyFast(target);
      const lastSeq = Math.max(checkpoint, last);
      await tx
        .withSchema(RUNTIME_SCHEMA)
        .updateTable('checkpoints')
        .set({ last_seq: lastSeq, updated_at: sql`now()` })
        .where('read_model', '=', projection.name)
        .execute();
      return { lastSeq, applied: fresh.length - parked, skipped: messages.length - fresh.length, parked };
    });
  try {
    return await attempt(false);
  } catch (err) {
    if (isTransient(err)) throw err;
    // Something in the batch is poison: redo it one event per savepoint and park the culprits.
    return attempt(true);
  }
}

async function lockCheckpoint(tx: Transaction<RuntimeDB>, readModel: string): Promise<number> {
  const row = await tx
    .withSchema(RUNTIME_SCHEMA)
    .selectFrom('checkpoints')
    .select('last_seq')
    .where('read_model', '=', readModel)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

type Target = {
  tx: Transaction<RuntimeDB>;
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
      await park({ tx, projection, stream, msg, type: '', error: event });
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
      await park({ tx, projection, stream, msg, type: event.type, error: err });
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
  return msg.decoded;
}

function decodeOrError(domain: Domain, stream: string, msg: RawMessage): StoredEvent | Error {
  try {
    return decodeEvent(domain, stream, msg);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

async function park({
  tx,
  projection,
  stream,
  msg,
  type,
  error,
}: {
  tx: Transaction<RuntimeDB>;
  projection: AnyProjection;
  stream: string;
  msg: RawMessage;
  type: string;
  error: unknown;
}): Promise<void> {
  const text = error instanceof Error ? error.message : String(error);
  await tx
    .withSchema(RUNTIME_SCHEMA)
    .insertInto('dead_letters')
    .values({
      read_model: projection.name,
      stream,
      seq: msg.seq,
      subject: msg.subject,
      type: type || msg.header?.get('Hearth-Type') || 'unknown',
      error: text.slice(0, 2000),
    })
    .onConflict((oc) =>
      oc.columns(['read_model', 'seq']).doUpdateSet({
        error: text.slice(0, 2000),
        status: 'parked',
        attempts: sql`dead_letters.attempts + 1`,
      }),
    )
    .execute();
}

const TRANSIENT_SQLSTATE = /^(08|40001|40P01|53|57P0[123])/;

/** Failures worth retrying: the database or network, not the event. */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message } = err as { code?: string; message?: string };
  if (
    typeof code === 'string' &&
    (TRANSIENT_SQLSTATE.test(code) || /^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH)/.test(code))
  ) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  );
}
