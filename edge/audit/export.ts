// The audit export, streamed: a server-side cursor read a page at a time, only when the client
// has taken the page before (a pull stream), so a year of log never sits in memory. A client
// that goes away cancels the stream, which ends the query and returns the connection.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { type AuditFilter, auditQuery, toAuditEntry } from '../../projectors/audit-log/queries.ts';

const PAGE = 500;

/** Opens the cursor first, so a database that is away is a 503, not a broken download. */
export async function exportStream({
  db,
  pool,
  filter,
  header,
  line,
  logger,
  page = PAGE,
}: {
  db: Kysely<unknown>;
  pool: pg.Pool;
  filter: AuditFilter;
  header: string;
  line: (entry: AuditEntry) => string;
  logger: Logger;
  /** Rows per fetch. */
  page?: number;
}): Promise<ReadableStream<Uint8Array>> {
  const query = auditQuery(filter).compile(db);
  const encoder = new TextEncoder();
  let client: pg.PoolClient | undefined = await pool.connect();
  try {
    // One snapshot for the whole export: entries arriving meanwhile neither appear nor shift it.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`DECLARE audit_export NO SCROLL CURSOR FOR ${query.sql}`, [...query.parameters]);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw err;
  }
  // Release once, whichever of end, error or cancel comes first.
  const release = (err?: Error) => {
    const c = client;
    client = undefined;
    c?.release(err);
  };
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        if (header) {
          controller.enqueue(encoder.encode(header));
          header = '';
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
        } catch (err) {
          logger.warn({ err }, 'audit export failed');
          release(err instanceof Error ? err : new Error(String(err)));
          controller.error(err);
        }
      },
      cancel: async () => {
        const c = client;
        if (!c) return;
        await c.query('ROLLBACK').then(
          () => release(),
          (err: Error) => release(err),
        );
      },
    },
    { highWaterMark: 1 },
  );
}
