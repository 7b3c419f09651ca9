// What a member's erasure must leave nowhere, looked for where Hearth keeps things: the
// streams' stored bytes, the read models' rows (their baselines too), the snapshots bucket;
// and a read model's rows in one fingerprint, to compare a rebuild with the live model.
import { type Kysely, sql } from 'kysely';
import type { Domain } from '../contracts/subjects.ts';
import type { Log } from '../writers/log/open.ts';

/** Every stored message of the domain's stream, payload and headers, as raw bytes. */
export async function streamBytes(log: Log, domain: Domain): Promise<Buffer> {
  const stream = log.names.stream(domain);
  const { state } = await log.jsm.streams.info(stream);
  const parts: Buffer[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await log.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m) continue;
    parts.push(Buffer.from(m.subject), Buffer.from(m.data));
    if (m.header) for (const [k, v] of m.header) parts.push(Buffer.from(`${k}:${v.join(',')}`));
  }
  return Buffer.concat(parts);
}

/** Every value of the snapshots bucket, as raw bytes. */
export async function snapshotBytes(log: Log): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const key of await log.snapshots.keys()) {
    const entry = await log.snapshots.get(key);
    if (entry?.value.length) parts.push(Buffer.from(entry.value));
  }
  return Buffer.concat(parts);
}

/** The schema's tables, but Kysely's bookkeeping. */
async function tablesOf(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = ${schema} AND tablename NOT LIKE 'kysely\\_%'
    ORDER BY tablename`.execute(db);
  return rows.map((r) => r.tablename);
}

/** Every row of every table of these schemas, as text. */
export async function rowsText(db: Kysely<unknown>, schemas: string[]): Promise<string> {
  const out: string[] = [];
  for (const schema of schemas) {
    for (const table of await tablesOf(db, schema)) {
      const { rows } = await sql<{ t: string }>`SELECT x::text AS t FROM ${sql.id(schema, table)} x`.execute(
        db,
      );
      out.push(...rows.map((r) => r.t));
    }
  }
  return out.join('\n');
}

/**
 * The read model's rows in one fingerprint, table by table. `added_at` (when a notification
 * reached the live model: a rebuild dates it to its event) is left out.
 */
export async function readModelHash(db: Kysely<unknown>, schema: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of await tablesOf(db, schema)) {
    const { rows } = await sql<{ digest: string | null; n: number }>`
      SELECT md5(string_agg(r, '|' ORDER BY r)) AS digest, count(*)::int AS n
      FROM (SELECT (to_jsonb(x) - 'added_at')::text AS r FROM ${sql.id(schema, table)} x) t`.execute(db);
    out[table] = `${rows[0]?.n ?? 0}:${rows[0]?.digest ?? 'empty'}`;
  }
  return out;
}

/** Which of these strings the text holds. */
export const found = (text: string | Buffer, secrets: readonly string[]): string[] =>
  secrets.filter((s) => text.includes(s));
