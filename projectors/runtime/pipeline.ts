// The live worker's fast path: batches as pipelined transactions on one connection of its
// own. A batch's statements go out behind the previous batch's COMMIT without waiting for its
// reply, and its checkpoint lock goes out with its first statement, so while a backlog lasts
// the database is not left waiting on round trips between batches.
//
// A batch goes ahead on a guess: that the checkpoint is where the previous batch (in delivery
// order) ends. It commits only if the checkpoint proves the guess right (checked in the
// database for a one-statement batch, on the locked row's value otherwise); anything else (a
// wrong guess, an error, a lost connection) rolls it back and returns null, and the worker
// takes applyBatch, the one-batch-at-a-time path, after the previous batch is done.
import type { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { RawMessage } from '../../writers/log/decode.ts';
import { type BatchOutcome, beginBatch, boundTo, decoded, isTransient } from './apply.ts';
import { traceQueries } from './pg-trace.ts';
import { RUNTIME_SCHEMA } from './tables.ts';
import type { AnyProjection } from './types.ts';

export type Pipeline = {
  /**
   * Applies and commits the batch if the checkpoint is `expected`, else rolls back and returns
   * null. Calls `sent(end)` once its COMMIT is on the wire, `end` being the checkpoint it
   * commits: the next batch may then go out behind it, guessing `end`.
   */
  apply: (
    messages: RawMessage[],
    expected: number,
    sent: (end: number) => void,
  ) => Promise<BatchOutcome | null>;
  /** The checkpoint as the database has it now (undefined: no row yet). */
  checkpoint: () => Promise<number | undefined>;
  close: () => Promise<void>;
};

type Connection = {
  client: pg.Client;
  ready: Promise<unknown>;
  broken: boolean;
  /** Statement text → prepared statement name, on this connection. */
  names: Map<string, string>;
};

/** Enough for any projection's batch statement; texts beyond it go unprepared. */
const MAX_PREPARED = 16;

/**
 * A batch statement's text is the same batch after batch: prepared on the connection, the
 * database parses and plans it once instead of every time.
 */
function prepared(c: Connection, statement: CompiledQuery): pg.QueryConfig {
  const values = [...statement.parameters];
  let name = c.names.get(statement.sql);
  if (!name && c.names.size < MAX_PREPARED) {
    name = `hearth_batch_${c.names.size + 1}`;
    c.names.set(statement.sql, name);
  }
  return name ? { name, text: statement.sql, values } : { text: statement.sql, values };
}

export function createPipeline({
  pool,
  projection,
  stream,
}: {
  pool: pg.Pool;
  projection: AnyProjection;
  stream: string;
}): Pipeline {
  let connection: Connection | undefined;

  // Not from the pool: it stays with the worker, and queries on it do not wait for replies.
  // The pool's options are what the pool itself builds its clients from.
  const connect = (): Connection => {
    if (connection && !connection.broken) return connection;
    const client = new pg.Client({ ...pool.options, pipeline: true });
    traceQueries(client);
    const c: Connection = { client, ready: client.connect(), broken: false, names: new Map() };
    // An idle connection that drops emits 'error'; the next batch opens a new one.
    client.on('error', () => {
      c.broken = true;
    });
    c.ready.catch(() => {
      c.broken = true;
    });
    connection = c;
    return c;
  };
  const discard = (c: Connection) => {
    if (c.broken) return;
    c.broken = true;
    c.client.end().catch(() => undefined);
  };

  /**
   * A batch that is one statement goes out whole: BEGIN with the checkpoint's move, the
   * statement and COMMIT, without waiting for any reply. The guess is checked in the database:
   * the move only matches a checkpoint at `expected`, and when it matches nothing it divides
   * by zero, which aborts the transaction, so the COMMIT behind it can only roll back.
   */
  const oneShot = async (
    c: Connection,
    statement: CompiledQuery | null,
    expected: number,
    last: number,
    sent: (end: number) => void,
    counts: { applied: number; skipped: number },
  ): Promise<BatchOutcome | null> => {
    const { client } = c;
    if (!Number.isSafeInteger(expected) || !Number.isSafeInteger(last)) return null;
    const name = client.escapeLiteral(projection.name);
    // One write for the three: corked, the socket sends them in a single system call.
    const socket = client.connection.stream;
    socket.cork();
    let replies: (Promise<pg.QueryResult> | null)[];
    try {
      replies = [
        client.query(`BEGIN;
          WITH moved AS (
            UPDATE ${RUNTIME_SCHEMA}.checkpoints SET last_seq = ${last}, updated_at = now()
            WHERE read_model = ${name} AND last_seq = ${expected} RETURNING 1)
          SELECT 1 / count(*)::int AS moved FROM moved`),
        statement ? client.query(prepared(c, statement)) : null,
        client.query('COMMIT'),
      ];
    } finally {
      socket.uncork();
    }
    sent(last);
    const settled = await Promise.allSettled(replies);
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) {
      if (isTransient(failure.reason)) discard(c);
      return null;
    }
    // COMMIT in a failed transaction rolls back, and says so.
    const commit = settled[2] as PromiseFulfilledResult<pg.QueryResult>;
    if (commit.value.command !== 'COMMIT') return null;
    return { lastSeq: last, ...counts, parked: 0 };
  };

  return {
    checkpoint: async () => {
      const c = connect();
      try {
        await c.ready;
        const { rows } = await c.client.query<{ last_seq: string }>(
          `SELECT last_seq FROM ${RUNTIME_SCHEMA}.checkpoints WHERE read_model = $1`,
          [projection.name],
        );
        return rows[0] ? Number(rows[0].last_seq) : undefined;
      } catch (err) {
        discard(c);
        throw err;
      }
    },
    apply: async (messages, expected, sent) => {
      let last = 0;
      for (const m of messages) if (m.seq > last) last = m.seq;
      const fresh = messages.filter((m) => m.seq > expected);
      const events = [];
      for (const m of fresh) {
        const e = decoded(projection.domain, stream, m);
        // Poison and redeliveries are applyBatch's business.
        if (e instanceof Error) return null;
        events.push(e);
      }
      if (events.length === 0) return null;
      const c = connect();
      const { client } = c;
      try {
        await c.ready;
        const db = boundTo(client).withSchema(projection.name);
        const ctx = { db: db as never, schema: projection.name, rebuilding: false };
        let statement: CompiledQuery | null | undefined;
        try {
          statement = projection.batchStatement?.(events as never, ctx);
        } catch {
          return null; // nothing sent yet; applyBatch will say what is wrong
        }
        // undefined: no statement for this batch (or no batchStatement at all); apply below.
        if (statement !== undefined) {
          const counts = { applied: fresh.length, skipped: messages.length - fresh.length };
          return await oneShot(c, statement, expected, last, sent, counts);
        }
        const lock = beginBatch(client, projection.name, last);
        // Settled below, or left behind when the batch fails first: never unhandled.
        lock.catch(() => undefined);
        let checkpoint = 0;
        // The guess holds if it splits the batch exactly where the checkpoint does.
        const guessed = () => !messages.some((m) => m.seq > checkpoint !== m.seq > expected);
        try {
          // A reactor's commands cannot be rolled back: it acts only once the guess is known.
          if (projection.sideEffects) checkpoint = await lock;
          if (projection.sideEffects && !guessed()) {
            await client.query('ROLLBACK').catch(() => discard(c));
            return null;
          }
          await projection.apply(events as never, ctx);
          if (!projection.sideEffects) checkpoint = await lock;
        } catch (err) {
          if (isTransient(err)) discard(c);
          else await client.query('ROLLBACK').catch(() => discard(c));
          return null;
        }
        if (!guessed()) {
          await client.query('ROLLBACK').catch(() => discard(c));
          return null;
        }
        const end = Math.max(checkpoint, last);
        const commit = client.query('COMMIT');
        sent(end);
        await commit;
        return { lastSeq: end, applied: fresh.length, skipped: messages.length - fresh.length, parked: 0 };
      } catch {
        // The connection or its COMMIT failed: whatever went out behind it fails its own check.
        discard(c);
        return null;
      }
    },
    close: async () => {
      if (connection && !connection.broken) {
        connection.broken = true;
        await connection.client.end().catch(() => undefined);
      }
    },
  };
}
