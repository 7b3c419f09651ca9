// Compares a rebuilt version of a read model with the live one, table by table: row counts,
// a content hash, and on a difference a small sample of the rows that differ, by primary key.
// The hash is a sum of per-row hashes, so it needs no sort: one sequential scan per table.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { RebuildDifference, RebuildTableCheck, RebuildVerification } from '../../contracts/admin.api.ts';

/** Columns left out of the comparison, per table (values that legitimately differ). */
export type Unverified = Readonly<Record<string, readonly string[]>>;

/** Kysely's own bookkeeping in every read model's schema: when each migration ran differs. */
const BOOKKEEPING = new Set(['kysely_migration', 'kysely_migration_lock']);
const SAMPLE = 5;

async function tablesOf(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  return rows.map((r) => r.table_name).filter((t) => !BOOKKEEPING.has(t));
}

async function columnsOf(db: Kysely<unknown>, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${table} ORDER BY ordinal_position`.execute(db);
  return rows.map((r) => r.column_name);
}

async function primaryKeyOf(db: Kysely<unknown>, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = ${`"${schema}"."${table}"`}::regclass AND i.indisprimary
    ORDER BY array_position(i.indkey::int2[], a.attnum)`.execute(db);
  return rows.map((r) => r.name);
}

const rowOf = (alias: string, columns: string[]): RawBuilder<unknown> =>
  sql`ROW(${sql.join(columns.map((c) => sql.ref(`${alias}.${c}`)))})`;

async function measure(db: Kysely<unknown>, schema: string, table: string, columns: string[]) {
  if (columns.length === 0) return { rows: 0, hash: '0' };
  const { rows } = await sql<{ n: string; h: string }>`
    SELECT count(*) AS n, coalesce(sum(hashtextextended(${rowOf('t', columns)}::text, 0)::numeric), 0)::text AS h
    FROM ${sql.table(`${schema}.${table}`)} t`.execute(db);
  return { rows: Number(rows[0]?.n ?? 0), hash: rows[0]?.h ?? '0' };
}

async function differences(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  table: string;
  key: string[];
  columns: string[];
}): Promise<RebuildDifference[]> {
  const { db, live, rebuilt, table, key, columns } = input;
  const first = key[0];
  if (!first) return [];
  const on = sql.join(
    key.map((k) => sql`${sql.ref(`l.${k}`)} = ${sql.ref(`r.${k}`)}`),
    sql` AND `,
  );
  const keyJson = sql.join(
    key.map((k) => sql`${k}::text, coalesce(${sql.ref(`l.${k}`)}, ${sql.ref(`r.${k}`)})`),
  );
  const { rows } = await sql<{
    key: Record<string, unknown>;
    kind: RebuildDifference['kind'];
    l: Row;
    r: Row;
  }>`
    SELECT jsonb_build_object(${keyJson}) AS key,
      CASE WHEN ${sql.ref(`l.${first}`)} IS NULL THEN 'rebuilt'
           WHEN ${sql.ref(`r.${first}`)} IS NULL THEN 'live' ELSE 'changed' END AS kind,
      to_jsonb(l) AS l, to_jsonb(r) AS r
    FROM ${sql.table(`${live}.${table}`)} l FULL JOIN ${sql.table(`${rebuilt}.${table}`)} r ON ${on}
    WHERE ${sql.ref(`l.${first}`)} IS NULL OR ${sql.ref(`r.${first}`)} IS NULL
      OR ${rowOf('l', columns)} IS DISTINCT FROM ${rowOf('r', columns)}
    ORDER BY 1 LIMIT ${SAMPLE}`.execute(db);
  // Which columns differ, never their values: a read model holds the family's messages.
  return rows.map((d) => ({
    key: d.key,
    kind: d.kind,
    columns:
      d.kind === 'changed'
        ? columns.filter((c) => JSON.stringify(d.l?.[c]) !== JSON.stringify(d.r?.[c]))
        : [],
  }));
}
type Row = Record<string, unknown> | null;

async function checkTable(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  table: string;
  unverified: readonly string[];
}): Promise<RebuildTableCheck> {
  const { db, live, rebuilt, table } = input;
  const kept = (cs: string[]) => cs.filter((c) => !input.unverified.includes(c));
  const [liveColumns, rebuiltColumns] = [
    kept(await columnsOf(db, live, table)),
    kept(await columnsOf(db, rebuilt, table)),
  ];
  const a = await measure(db, live, table, liveColumns);
  const b = await measure(db, rebuilt, table, rebuiltColumns);
  const sameShape = liveColumns.join(',') === rebuiltColumns.join(',');
  const equal = sameShape && a.rows === b.rows && a.hash === b.hash;
  const common = liveColumns.filter((c) => rebuiltColumns.includes(c));
  const canSample = !equal && liveColumns.length > 0 && rebuiltColumns.length > 0 && common.length > 0;
  return {
    table,
    liveRows: a.rows,
    rebuiltRows: b.rows,
    liveHash: a.hash,
    rebuiltHash: b.hash,
    equal,
    differences: canSample
      ? await differences({
          db,
          live,
          rebuilt,
          table,
          key: await primaryKeyOf(db, rebuilt, table),
          columns: common,
        })
      : [],
  };
}

/**
 * Compares every table of schema `rebuilt` with the same table of schema `live` (a table only
 * one side has counts as unequal), both read at `atSeq` by the caller's transaction.
 */
export async function compareVersions(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  atSeq: number;
  unverified?: Unverified;
}): Promise<RebuildVerification> {
  const { db, live, rebuilt, atSeq, unverified = {} } = input;
  const names = [...new Set([...(await tablesOf(db, live)), ...(await tablesOf(db, rebuilt))])].sort();
  const tables: RebuildTableCheck[] = [];
  for (const table of names) {
    // A table only one side has reads as having no columns on the other: unequal.
    tables.push(await checkTable({ db, live, rebuilt, table, unverified: unverified[table] ?? [] }));
  }
  return { atSeq, equal: tables.every((t) => t.equal), accepted: false, tables };
}
