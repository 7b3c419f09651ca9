// Compares a rebuilt version of a read model with the live one, table by table: row counts,
// a content hash, and on a difference a small sample of the rows that differ, by primary key.
// The hash is a sum of per-row hashes, so it needs no sort: one sequential scan per table.
//
// A lineage sequence column (lineage.ts) is compared row by row instead, by key, and only
// where the live value is not 0: 0 there means "unknown until rebuilt" (a column added to rows
// that already existed, or a row a worker of the previous release wrote during a rolling
// deploy), and a replay always knows the real one, so a live 0 against any rebuilt value is not
// a difference. Every lineage column is treated so, not only those added late: a stream's
// sequences start at 1, so a live worker that wrote the row never leaves 0 there, and a live 0
// hides at most a touch that changed nothing else (any other column that differs still shows).
// A rebuilt 0 against a known live sequence, or two known ones that differ, are differences.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { RebuildDifference, RebuildTableCheck, RebuildVerification } from '../../contracts/admin.api.ts';
import type { Lineage } from './lineage.ts';

/**
 * Columns left out of the comparison, per table (values that legitimately differ). Their rows
 * are still counted; `['*']` leaves the table out whole, its rows too.
 */
export type Unverified = Readonly<Record<string, readonly string[]>>;

/** The `unverified` entry of a table left out whole. */
export const WHOLE_TABLE = '*';

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
  columns.length === 0 ? sql`ROW()` : sql`ROW(${sql.join(columns.map((c) => sql.ref(`${alias}.${c}`)))})`;

/** True where a lineage sequence differs and the live one is known (not 0). */
const knownSeqDiffers = (seqs: readonly string[]): RawBuilder<unknown> =>
  seqs.length === 0
    ? sql`false`
    : sql.join(
        seqs.map(
          (c) =>
            sql`(${sql.ref(`l.${c}`)} <> 0 AND ${sql.ref(`l.${c}`)} IS DISTINCT FROM ${sql.ref(`r.${c}`)})`,
        ),
        sql` OR `,
      );

const joinOn = (key: readonly string[]) =>
  sql.join(
    key.map((k) => sql`${sql.ref(`l.${k}`)} = ${sql.ref(`r.${k}`)}`),
    sql` AND `,
  );

/** Whether a row of both versions has a known live sequence the rebuilt one differs from. */
async function seqsDiffer(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  table: string;
  key: string[];
  seqs: readonly string[];
}): Promise<boolean> {
  const { db, live, rebuilt, table, key, seqs } = input;
  if (seqs.length === 0 || key.length === 0) return false;
  const { rows } = await sql<{ found: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM ${sql.table(`${live}.${table}`)} l JOIN ${sql.table(`${rebuilt}.${table}`)} r ON ${joinOn(key)}
      WHERE ${knownSeqDiffers(seqs)}) AS found`.execute(db);
  return rows[0]?.found === true;
}

/**
 * Rows and a content hash over `columns`. A table this side lacks has neither; one whose
 * columns are all unverified still has its rows counted (its hash is then of nothing).
 */
async function measure(input: {
  db: Kysely<unknown>;
  schema: string;
  table: string;
  present: boolean;
  columns: string[];
}) {
  const { db, schema, table, present, columns } = input;
  if (!present) return { rows: 0, hash: '0' };
  const hash =
    columns.length === 0
      ? sql`'0'`
      : sql`coalesce(sum(hashtextextended(${rowOf('t', columns)}::text, 0)::numeric), 0)::text`;
  const { rows } = await sql<{ n: string; h: string }>`
    SELECT count(*) AS n, ${hash} AS h FROM ${sql.table(`${schema}.${table}`)} t`.execute(db);
  return { rows: Number(rows[0]?.n ?? 0), hash: rows[0]?.h ?? '0' };
}

async function differences(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  table: string;
  key: string[];
  columns: string[];
  seqs: readonly string[];
}): Promise<RebuildDifference[]> {
  const { db, live, rebuilt, table, key, columns, seqs } = input;
  const first = key[0];
  if (!first) return [];
  const hashed = columns.filter((c) => !seqs.includes(c));
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
    FROM ${sql.table(`${live}.${table}`)} l FULL JOIN ${sql.table(`${rebuilt}.${table}`)} r ON ${joinOn(key)}
    WHERE ${sql.ref(`l.${first}`)} IS NULL OR ${sql.ref(`r.${first}`)} IS NULL
      OR ${rowOf('l', hashed)} IS DISTINCT FROM ${rowOf('r', hashed)} OR ${knownSeqDiffers(seqs)}
    ORDER BY 1 LIMIT ${SAMPLE}`.execute(db);
  // Which columns differ, never their values: a read model holds the family's messages.
  const differs = (d: { l: Row; r: Row }, c: string) =>
    JSON.stringify(d.l?.[c]) !== JSON.stringify(d.r?.[c]) && !(seqs.includes(c) && Number(d.l?.[c]) === 0);
  return rows.map((d) => ({
    key: d.key,
    kind: d.kind,
    columns: d.kind === 'changed' ? columns.filter((c) => differs(d, c)) : [],
  }));
}
type Row = Record<string, unknown> | null;

async function checkTable(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  table: string;
  unverified: readonly string[];
  /** The table's lineage sequence column, if it has one: compared by key where live knows it. */
  seq: string | undefined;
}): Promise<RebuildTableCheck> {
  const { db, live, rebuilt, table, seq } = input;
  const kept = (cs: string[]) => cs.filter((c) => !input.unverified.includes(c));
  const [liveAll, rebuiltAll] = [await columnsOf(db, live, table), await columnsOf(db, rebuilt, table)];
  const [liveColumns, rebuiltColumns] = [kept(liveAll), kept(rebuiltAll)];
  // A table only one side has reads as having no columns on the other.
  const both = liveAll.length > 0 && rebuiltAll.length > 0;
  const seqs = seq && liveColumns.includes(seq) && rebuiltColumns.includes(seq) ? [seq] : [];
  const hashed = (cs: string[]) => cs.filter((c) => !seqs.includes(c));
  const a = await measure({
    db,
    schema: live,
    table,
    present: liveAll.length > 0,
    columns: hashed(liveColumns),
  });
  const b = await measure({
    db,
    schema: rebuilt,
    table,
    present: rebuiltAll.length > 0,
    columns: hashed(rebuiltColumns),
  });
  const sameShape = both && liveColumns.join(',') === rebuiltColumns.join(',');
  const key = sameShape && seqs.length > 0 ? await primaryKeyOf(db, rebuilt, table) : [];
  const equal =
    sameShape &&
    a.rows === b.rows &&
    a.hash === b.hash &&
    !(await seqsDiffer({ db, live, rebuilt, table, key, seqs }));
  const common = liveColumns.filter((c) => rebuiltColumns.includes(c));
  // With every column unverified the key still names rows only one side has.
  const canSample = !equal && both;
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
          key: key.length > 0 ? key : await primaryKeyOf(db, rebuilt, table),
          columns: common,
          seqs,
        })
      : [],
  };
}

/**
 * Compares every table of schema `rebuilt` with the same table of schema `live` (a table only
 * one side has counts as unequal), both read at `atSeq` by the caller's transaction. `lineage`
 * names each table's sequence column, whose live 0 ("unknown until rebuilt") is no difference.
 */
export async function compareVersions(input: {
  db: Kysely<unknown>;
  live: string;
  rebuilt: string;
  atSeq: number;
  unverified?: Unverified;
  lineage?: Lineage;
}): Promise<RebuildVerification> {
  const { db, live, rebuilt, atSeq, unverified = {}, lineage = {} } = input;
  const names = [...new Set([...(await tablesOf(db, live)), ...(await tablesOf(db, rebuilt))])].sort();
  const tables: RebuildTableCheck[] = [];
  for (const table of names.filter((t) => !unverified[t]?.includes(WHOLE_TABLE))) {
    // A table only one side has reads as having no columns on the other: unequal.
    tables.push(
      await checkTable({
        db,
        live,
        rebuilt,
        table,
        unverified: unverified[table] ?? [],
        seq: lineage[table]?.seq,
      }),
    );
  }
  return { atSeq, equal: tables.every((t) => t.equal), accepted: false, tables };
}
