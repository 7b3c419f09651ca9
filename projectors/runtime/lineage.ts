// Lineage: which event last touched a read model's row. Each read model declares, beside its
// projection, the tables its events make: the columns that name a row and the column holding
// the sequence of the last event that touched it (on the read model's own stream). The event
// at that sequence names its aggregate by its subject, so nothing more is declared here.
// The admins' console pages through the rows by key (keys and sequences only: never a column
// a member could call theirs) and follows a row to its event.
import { type Kysely, sql } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import type { Domain } from '../../contracts/subjects.ts';

export type LineageTable = {
  /** The columns that name a row (its primary key), in the order rows are paged. */
  key: readonly string[];
  /**
   * The column holding the stream sequence of the last event that touched the row; 0 means
   * unknown until rebuilt (a column added later, with DEFAULT 0 and no backfill): verify.ts does
   * not count a live 0 against the rebuilt value.
   */
  seq: string;
};

/** A read model's event-made tables, by name. Erasure blanks fields but is not a touch. */
export type Lineage = Readonly<Record<string, LineageTable>>;

/** One read model's lineage as the runner lends it to the edge. */
export type ReadModelLineage = { name: string; domain: Domain; tables: Lineage };

export const ROWS_PAGE = 50;

export type LineageRow = { key: string[]; lastSeq: number };

const idents = (columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(c)));
const texts = (columns: readonly string[]) => sql.join(columns.map((c) => sql`${sql.ref(c)}::text`));
const values = (key: readonly string[]) => sql.join(key.map((k) => sql`${k}`));

/**
 * Postgres infers each value's type from its column; a value that is none of it (a word for a
 * bigint key) is the caller's mistake, not the server's.
 */
async function asked<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('22'))
      throw commonErrors.invalidRequest('That key does not fit the table.', { field: 'key' });
    throw err;
  }
}

type Raw = { k: string[]; s: string };

/** A page of rows in key order, after `after` (a key) when given. */
export async function pageRows(input: {
  db: Kysely<unknown>;
  schema: string;
  table: string;
  spec: LineageTable;
  after?: readonly string[] | undefined;
  limit?: number;
}): Promise<{ rows: LineageRow[]; next: string[] | null }> {
  const { db, schema, table, spec, after } = input;
  const limit = input.limit ?? ROWS_PAGE;
  const from = after ? sql`WHERE (${idents(spec.key)}) > (${values(after)})` : sql``;
  const { rows } = await asked(() =>
    sql<Raw>`SELECT ARRAY[${texts(spec.key)}] AS k, ${sql.ref(spec.seq)}::text AS s
      FROM ${sql.table(`${schema}.${table}`)} ${from}
      ORDER BY ${idents(spec.key)} LIMIT ${limit + 1}`.execute(db),
  );
  const page = rows.slice(0, limit).map((r) => ({ key: r.k, lastSeq: Number(r.s) }));
  return { rows: page, next: rows.length > limit ? (page.at(-1)?.key ?? null) : null };
}

/** The row named by `key`, or undefined. */
export async function findRow(input: {
  db: Kysely<unknown>;
  schema: string;
  table: string;
  spec: LineageTable;
  key: readonly string[];
}): Promise<LineageRow | undefined> {
  const { db, schema, table, spec, key } = input;
  const { rows } = await asked(() =>
    sql<Raw>`SELECT ARRAY[${texts(spec.key)}] AS k, ${sql.ref(spec.seq)}::text AS s
      FROM ${sql.table(`${schema}.${table}`)}
      WHERE (${idents(spec.key)}) = (${values(key)})`.execute(db),
  );
  const row = rows[0];
  return row && { key: row.k, lastSeq: Number(row.s) };
}
