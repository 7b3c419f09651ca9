// What expand-contract.int.test.ts compares before and after each migration: a schema's
// columns, constraints and unique indexes from Postgres' catalog, and what a writer of the
// earlier shape could no longer do against the later one.
import { type Kysely, sql } from 'kysely';

export type Column = { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean };
/** kind: pg_constraint's contype (p primary, f foreign, u unique, c check, x exclusion) or 'unique index'. */
export type Constraint = { table: string; name: string; kind: string };
export type Catalog = { columns: Column[]; constraints: Constraint[] };

const KIND: Record<string, string> = {
  p: 'primary key',
  f: 'foreign key',
  u: 'unique constraint',
  c: 'check constraint',
  x: 'exclusion constraint',
};
const kindName = (kind: string) => KIND[kind] ?? kind;

export async function catalog(db: Kysely<unknown>, schema: string): Promise<Catalog> {
  const { rows: columns } = await sql<Column>`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type || coalesce('(' ||
      c.character_maximum_length || ')', '') AS "type", c.is_nullable = 'YES' AS nullable,
      c.column_default IS NOT NULL OR c.is_identity = 'YES' AS "hasDefault"
    FROM information_schema.columns c JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = ${schema} AND t.table_type = 'BASE TABLE'`.execute(db);
  // Unique indexes include the ones behind primary keys and unique constraints: an
  // `ON CONFLICT (…)` of the earlier release needs the index, whatever declared it.
  const { rows: constraints } = await sql<Constraint>`
    SELECT r.relname AS "table", k.conname AS name, k.contype::text AS kind
    FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
    WHERE n.nspname = ${schema} AND k.contype IN ('p', 'f', 'u', 'c', 'x')
    UNION ALL
    SELECT t.relname, i.relname, 'unique index'
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${schema} AND x.indisunique`.execute(db);
  return { columns, constraints };
}

/** What a projector written for `before` could no longer do against `after`. */
export function contractions(before: Catalog, after: Catalog): string[] {
  const found: string[] = [];
  const tables = new Set(before.columns.map((c) => c.table));
  const kept = new Set(after.columns.map((c) => c.table).filter((t) => tables.has(t)));
  const key = (c: { table: string; column: string }) => `${c.table}.${c.column}`;
  const now = new Map(after.columns.map((c) => [key(c), c]));
  for (const t of tables) if (!kept.has(t)) found.push(`table ${t} dropped or renamed`);
  for (const c of before.columns) {
    const a = now.get(key(c));
    if (!a) {
      if (kept.has(c.table)) found.push(`column ${key(c)} dropped or renamed`);
      continue;
    }
    if (a.type !== c.type) found.push(`column ${key(c)} changed type ${c.type} → ${a.type}`);
    if (c.nullable && !a.nullable) found.push(`column ${key(c)} made NOT NULL`);
    // The earlier INSERT names no value for it and relied on the default.
    if (!c.nullable && !a.nullable && c.hasDefault && !a.hasDefault)
      found.push(`column ${key(c)} (NOT NULL) lost its default`);
  }
  const old = new Set(before.columns.map(key));
  for (const a of after.columns)
    if (tables.has(a.table) && !old.has(key(a)) && !a.nullable && !a.hasDefault)
      found.push(`column ${key(a)} added NOT NULL without a default`);
  const id = (k: Constraint) => `${k.kind} ${k.table}.${k.name}`;
  const had = new Set(before.constraints.map(id));
  const has = new Set(after.constraints.map(id));
  for (const k of before.constraints)
    if (kept.has(k.table) && !has.has(id(k)))
      found.push(`${kindName(k.kind)} ${k.name} dropped from ${k.table}`);
  for (const k of after.constraints)
    if (tables.has(k.table) && !had.has(id(k)))
      found.push(`${kindName(k.kind)} ${k.name} added to ${k.table}`);
  return found;
}
