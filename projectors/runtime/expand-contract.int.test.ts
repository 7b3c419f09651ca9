// Upgrades are expand/contract (docs/operations.md): during a rolling deploy the new release
// migrates a schema while the previous release's projector may still write to it, so every
// migration must leave what the release before it wrote working. Checked on real Postgres, by
// the catalog: each migration of every schema applied in order, one at a time, and the tables,
// columns and constraints after it compared with those before it. A table or column gone or
// renamed, a type changed, a column made NOT NULL, a NOT NULL column without a default added to
// an existing table (the old INSERT names no value for it), or a new unique or check constraint
// on an existing table (old rows or old writes may break it) fails, naming the migration.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import { AUDIT_CHAIN_SCHEMA, auditChainMigrations } from '../audit-chain/tables.ts';
import { LOG_KEEPER_SCHEMA, logKeeperMigrations } from '../log-keeper/tables.ts';
import { RUNTIME_SCHEMA, runtimeMigrations } from './tables.ts';

const projectors = fileURLToPath(new URL('..', import.meta.url));
/**
 * The contract half: `<schema> <migration>: <finding>` lines allowed because no release still
 * running uses what they remove (the release before stopped using it). Empty so far.
 */
const CONTRACTED: string[] = [];
type MigrationSet = { schema: string; migrations: Record<string, Migration> };
type Column = { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean };
type Constraint = { table: string; name: string; kind: string };

let db: Kysely<unknown>;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const database = await testDatabase();
  db = openDb(database.url).db;
  cleanup = async () => {
    await db.destroy();
    await database.cleanup();
  };
});
afterAll(() => cleanup?.());

const isMigration = (v: unknown): v is Migration => typeof (v as Migration | undefined)?.up === 'function';
const isSet = (v: unknown): v is { name: string; migrations: Record<string, Migration> } =>
  typeof (v as { name?: unknown }).name === 'string' &&
  Object.values((v as { migrations?: object }).migrations ?? { x: 0 }).every(isMigration);

/** Every schema's migrations, as the hub runs them: found in the projectors' modules' exports. */
async function allSets(): Promise<{ sets: MigrationSet[]; files: string[] }> {
  const sets: MigrationSet[] = [
    { schema: RUNTIME_SCHEMA, migrations: runtimeMigrations },
    { schema: LOG_KEEPER_SCHEMA, migrations: logKeeperMigrations },
    { schema: AUDIT_CHAIN_SCHEMA, migrations: auditChainMigrations },
  ];
  const files: string[] = [];
  for (const rel of await readdir(projectors, { recursive: true })) {
    const file = String(rel);
    if (!file.endsWith('.ts') || /\.(test|fixture)\.ts$/.test(file)) continue;
    if (file.split(path.sep).includes('migrations')) {
      files.push(file);
      continue;
    }
    const module = (await import(path.join(projectors, file))) as Record<string, unknown>;
    for (const value of Object.values(module).flatMap((v) => (Array.isArray(v) ? v : [v])))
      if (value && typeof value === 'object' && isSet(value) && !sets.some((s) => s.schema === value.name))
        sets.push({ schema: value.name, migrations: value.migrations });
  }
  return { sets, files };
}

async function catalog(schema: string): Promise<{ columns: Column[]; constraints: Constraint[] }> {
  const { rows: columns } = await sql<Column>`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type || coalesce('(' ||
      c.character_maximum_length || ')', '') AS "type", c.is_nullable = 'YES' AS nullable,
      c.column_default IS NOT NULL OR c.is_identity = 'YES' AS "hasDefault"
    FROM information_schema.columns c JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = ${schema} AND t.table_type = 'BASE TABLE'`.execute(db);
  const { rows: constraints } = await sql<Constraint>`
    SELECT r.relname AS "table", k.conname AS name, k.contype AS kind
    FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
    WHERE n.nspname = ${schema} AND k.contype IN ('u', 'c', 'x')
    UNION ALL
    SELECT t.relname, i.relname, 'unique index'
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${schema} AND x.indisunique AND NOT x.indisprimary`.execute(db);
  return { columns, constraints };
}

type Catalog = Awaited<ReturnType<typeof catalog>>;

/** What a projector written for `before` could no longer do against `after`. */
function contractions(before: Catalog, after: Catalog): string[] {
  const found: string[] = [];
  const tables = new Set(before.columns.map((c) => c.table));
  const key = (c: { table: string; column: string }) => `${c.table}.${c.column}`;
  const now = new Map(after.columns.map((c) => [key(c), c]));
  for (const t of tables)
    if (!after.columns.some((c) => c.table === t)) found.push(`table ${t} dropped or renamed`);
  for (const c of before.columns) {
    const a = now.get(key(c));
    if (!a) {
      if (after.columns.some((x) => x.table === c.table)) found.push(`column ${key(c)} dropped or renamed`);
      continue;
    }
    if (a.type !== c.type) found.push(`column ${key(c)} changed type ${c.type} → ${a.type}`);
    if (c.nullable && !a.nullable) found.push(`column ${key(c)} made NOT NULL`);
  }
  const old = new Set(before.columns.map(key));
  for (const a of after.columns)
    if (tables.has(a.table) && !old.has(key(a)) && !a.nullable && !a.hasDefault)
      found.push(`column ${key(a)} added NOT NULL without a default`);
  const had = new Set(before.constraints.map((k) => `${k.table}.${k.name}`));
  for (const k of after.constraints)
    if (tables.has(k.table) && !had.has(`${k.table}.${k.name}`))
      found.push(`${k.kind === 'c' ? 'check' : 'unique'} constraint ${k.name} added to ${k.table}`);
  return found;
}

describe('every migration, against the release before it', () => {
  it('finds every migration file in a schema the hub migrates', async () => {
    const { sets, files } = await allSets();
    const used = new Set(sets.flatMap((s) => Object.values(s.migrations)));
    const modules = await Promise.all(files.map(async (f) => [f, await import(path.join(projectors, f))]));
    // webhooks-delivery and the baselines migrate their schemas from a function of their own.
    const elsewhere = /^(webhooks-delivery|runtime\/migrations\/20261207T1400_baselines)/;
    const orphans = modules.filter(([f, m]) => !used.has(m) && !elsewhere.test(f)).map(([f]) => f);
    expect(orphans).toEqual([]);
    expect(sets.length).toBeGreaterThan(20);
  });

  it('only expands: nothing the previous migration left is dropped, renamed, retyped or tightened', async () => {
    const { sets } = await allSets();
    const found: string[] = [];
    for (const { schema, migrations } of sets) {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
      const names = Object.keys(migrations).sort();
      for (let i = 0; i < names.length; i++) {
        const before = await catalog(schema);
        const upTo = Object.fromEntries(names.slice(0, i + 1).map((n) => [n, migrations[n] as Migration]));
        const { error } = await new Migrator({
          db: db.withSchema(schema),
          provider: { getMigrations: async () => upTo },
          migrationTableSchema: schema,
        }).migrateToLatest();
        if (error) throw error;
        const after = await catalog(schema);
        const here = contractions(before, after).map((f) => `${schema} ${names[i]}: ${f}`);
        found.push(...here.filter((f) => !CONTRACTED.includes(f)));
      }
    }
    expect(found).toEqual([]);
    const count = sets.reduce((n, s) => n + Object.keys(s.migrations).length, 0);
    console.log(`expand/contract: ${count} migrations in ${sets.length} schemas applied one by one`);
  });

  it('catches a contraction when one is made', () => {
    const col = (column: string, nullable = true, hasDefault = false): Column => ({
      table: 'items',
      column,
      type: 'text',
      nullable,
      hasDefault,
    });
    const before = { columns: [col('id', false), col('title')], constraints: [] };
    expect(contractions(before, { columns: [col('id', false)], constraints: [] })).toEqual([
      'column items.title dropped or renamed',
    ]);
    expect(
      contractions(before, {
        columns: [col('id', false), col('title', false), col('kind', false)],
        constraints: [],
      }),
    ).toEqual(['column items.title made NOT NULL', 'column items.kind added NOT NULL without a default']);
    expect(
      contractions(before, {
        columns: [col('id', false), col('title'), col('kind', false, true)],
        constraints: [],
      }),
    ).toEqual([]);
  });
});
