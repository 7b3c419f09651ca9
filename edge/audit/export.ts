// The audit export, streamed: a server-side cursor read a page at a time, only when the client
// has taken the page before (a pull stream), so a year of log never sits in memory. The cursor
// holds a pooled connection and a snapshot, which the pool's requests, projector batches and a
// rebuild's DROP SCHEMA wait on, so it is held no longer than someone reads: a client that goes
// away cancels the stream, one that stops reading is cut off after idleMs, Postgres itself ends
// a transaction left idle or a statement running past its bounds, and a hub runs at most
// MAX_EXPORTS at once.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { commonErrors } from '../../contracts/errors.ts';
import { type AuditFilter, auditQuery, toAuditEntry } from '../../projectors/audit-log/queries.ts';

const PAGE = 500;
/** A reader that takes nothing for this long is cut off. */
const IDLE_MS = 30_000;
/** One FETCH of a page may take this long. */
const STATEMENT_MS = 60_000;
export const MAX_EXPORTS = 2;
const RETRY_AFTER_SECONDS = 10;

/** Counts the exports under way in one hub; take() refuses past the limit. */
export function exportSlots(max = MAX_EXPORTS) {
  let open = 0;
  return {
    /** A release to call once, when the export ends however it ends. */
    take: (): (() => void) => {
      if (open >= max)
        throw commonErrors.unavailable('Too many audit exports are under way; retry shortly.', {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      open++;
      let done = false;
      return () => {
        if (!done) open--;
        done = true;
      };
    },
    open: () => open,
  };
}

/** Opens the cursor first, so a database that is away is a 503, not a broken download. */
export async function exportStream({
  db,
  pool,
  filter,
  header,
  line,
  logger,
  page = PAGE,
  idleMs = IDLE_MS,
  onEnd = () => undefined,
}: {
  db: Kysely<unknown>;
  pool: pg.Pool;
  filter: AuditFilter;
  header: string;
  line: (entry: AuditEntry) => string;
  logger: Logger;
  /** Rows per fetch. */
  page?: number;
  /** How long the stream waits for its reader before it ends itself. */
  idleMs?: number;
  /** Called once, when the connection is given back. */
  onEnd?: () => void;
}): Promise<ReadableStream<Uint8Array>> {
  const query = auditQuery(filter).compile(db);
  const encoder = new TextEncoder();
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
  } catch (err) {
    onEnd();
    throw err;
  }
  try {
    // One snapshot for the whole export: entries arriving meanwhile neither appear nor shift it.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Backstops if this process stops tending it: Postgres ends the session itself.
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(idleMs * 2)}`);
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_MS}`);
    await client.query(`DECLARE audit_export NO SCROLL CURSOR FOR ${query.sql}`, [...query.parameters]);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    onEnd();
    throw err;
  }
  let idle: NodeJS.Timeout | undefined;
  // Release once, whichever of end, error, cancel or idleness comes first.
  const release = (err?: Error) => {
    clearTimeout(idle);
    const c = client;
    client = undefined;
    if (!c) return;
    c.release(err);
    onEnd();
  };
  const rollback = async () => {
    const c = client;
    if (!c) return;
    await c.query('ROLLBACK').then(
      () => release(),
      (err: Error) => release(err),
    );
  };
  return new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        // Nobody has asked yet: the same clock as between pages.
        idle = setTimeout(() => cutOff(controller), idleMs);
      },
      pull: async (controller) => {
        clearTimeout(idle);
        if (header) {
          controller.enqueue(encoder.encode(header));
          header = '';
          idle = setTimeout(() => cutOff(controller), idleMs);
          return;
        }
        const c = client;
        if (!c) return;
        try {
          const { rows } = await c.query(`FETCH ${Math.trunc(page)} FROM audit_export`);
          if (rows.length === 0) {
            await c.query('COMMIT');
            release();
            controller.close();
            return;
          }
          let text = '';
          for (const row of rows) text += line(toAuditEntry(row));
          controller.enqueue(encoder.encode(text));
          if (client) idle = setTimeout(() => cutOff(controller), idleMs);
        } catch (err) {
          if (!client) return; // cancelled or cut off meanwhile
          logger.warn({ err }, 'audit export failed');
          release(err instanceof Error ? err : new Error(String(err)));
          controller.error(err);
        }
      },
      cancel: rollback,
    },
    { highWaterMark: 1 },
  );

  function cutOff(controller: ReadableStreamDefaultController<Uint8Array>) {
    if (!client) return;
    logger.warn({ idleMs }, 'audit export stopped: its reader took nothing');
    controller.error(new Error('the audit export reader was idle'));
    void rollback();
  }
}
