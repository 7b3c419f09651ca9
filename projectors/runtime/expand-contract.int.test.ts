// Upgrades are expand/contract (docs/operations.md): during a rolling deploy the new release
// migrates a schema while the previous release's projector may still write to it, so every
// migration must leave what the release before it wrote working. Checked on real Postgres, by
// the catalog: each migration of every schema (auth's too, with better-auth's own migrations)
// applied in order, one at a time, and compared with the catalog before it. A table or column
// gone or renamed, a type changed, a column made NOT NULL or a NOT NULL one losing its default,
// a NOT NULL column without a default added to an existing table (the old INSERT names no value
// for it), a primary, foreign or unique key, check or unique index gone (an old ON CONFLICT
// needs it) or added to an existing table (old rows or old writes may break it) fails, naming
// the migration (schema-catalog.fixture.ts).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getMigrations } from 'better-auth/db/migration';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../edge/identity/auth.ts';
import { openAuthDatabase } from '../../edge/identity/db.ts';
import { authMigrations } from '../../edge/identity/migrate.ts';
import { openDb } from '../../test/db.ts';
import { testDatabase } from '../../test/services.ts';
import { AUDIT_CHAIN_SCHEMA, auditChainMigrations } from '../audit-chain/tables.ts';
import { AUTH_SCHEMA } from '../identity-access/reactor.ts';
import { LOG_KEEPER_SCHEMA, logKeeperMigrations } from '../log-keeper/tables.ts';
import { type Column, catalog as catalogOf, contractions } from './schema-catalog.fixture.ts';
import { RUNTIME_SCHEMA, runtimeMigrations } from './tables.ts';

const projectors = fileURLToPath(new URL('..', import.meta.url));
const authFolder = fileURLToPath(new URL('../../edge/identity/migrations', import.meta.url));
/**
 * The contract half: `<schema> <migration>: <finding>` lines allowed because no release still
 * running uses what they remove (the release before stopped using it). Empty so far.
 */
const CONTRACTED: string[] = [];
type MigrationSet = { schema: string; migrations: Record<string, Migration> };

let db: Kysely<unknown>;
let databaseUrl: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const database = await testDatabase();
  databaseUrl = database.url;
  db = openDb(database.url).db;
  cleanup = async () => {
    await db.destroy();
    await database.cleanup();
  };
});
afterAll(() => cleanup?.());
const catalog = (schema: string) => catalogOf(db, schema);
/** A folder of frozen migration files: `migrations/`, or named so (`baseline-migrations/`). */
const inMigrations = (file: string) => file.split(path.sep).some((p) => /(^|-)migrations$/.test(p));

/** Applies `migrations` one by one, each checked against the catalog before it. */
async function stepByStep(schema: string, migrations: Record<string, Migration>): Promise<string[]> {
  const found: string[] = [];
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
    found.push(...contractions(before, await catalog(schema)).map((f) => `${schema} ${names[i]}: ${f}`));
  }
  return found;
}

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
    if (inMigrations(file)) {
      files.push(file);
      continue;
    }
    const module = (await import(path.join(projectors, file))) as Record<string, unknown>;
    for (const value of Object.values(module).flatMap((v) => (Array.isArray(v) ? v : [v])))
      if (value && typeof value === 'object' && isSet(value) && !sets.some((s) => s.schema === value.name))
        sets.push({ schema: value.name, migrations: value.migrations });
  }
  for (const rel of await readdir(authFolder)) files.push(path.join('../edge/identity/migrations', rel));
  return { sets, files };
}

describe('every migration, against the release before it', () => {
  it('finds every migration file in a schema the hub migrates', async () => {
    const { sets, files } = await allSets();
    const used = new Set(
      [...sets, { migrations: authMigrations }].flatMap((s) => Object.values(s.migrations)),
    );
    const modules = await Promise.all(files.map(async (f) => [f, await import(path.join(projectors, f))]));
    // webhooks-delivery and the baselines migrate their schemas from a function of their own.
    const elsewhere = /^(webhooks-delivery|runtime\/baseline-migrations)\//;
    const orphans = modules.filter(([f, m]) => !used.has(m) && !elsewhere.test(f)).map(([f]) => f);
    expect(orphans).toEqual([]);
    expect(files.filter((f) => elsewhere.test(f))).toHaveLength(2);
    expect(sets.length).toBeGreaterThan(20);
    console.log(`expand/contract: ${files.length} migration files`);
  });

  it('only expands: nothing the previous migration left is dropped, renamed, retyped or tightened', async () => {
    const { sets } = await allSets();
    let found: string[] = [];
    for (const { schema, migrations } of sets) {
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
      found.push(...(await stepByStep(schema, migrations)));
    }
    found = found.filter((f) => !CONTRACTED.includes(f));
    expect(found).toEqual([]);
    const count = sets.reduce((n, s) => n + Object.keys(s.migrations).length, 0);
    console.log(`expand/contract: ${count} migrations in ${sets.length} schemas applied one by one`);
  });

  it('only expands auth: better-auth’s tables, then the outbox’s migrations, then better-auth again', async () => {
    const logger = pino({ level: 'silent' });
    const authDb = await openAuthDatabase({ databaseUrl, logger });
    try {
      const settings = {
        secret: 'a-test-secret-that-is-long-enough-0123456789',
        baseURL: 'http://localhost:3000',
        trustedOrigins: [],
        allowedEmailDomains: [],
        rateLimit: { enabled: false, window: 60, max: 30 },
      };
      const auth = createAuth({ settings, authDb, logger });
      // As edge/identity/migrate.ts runs them, at every start: better-auth's own first, which
      // a better-auth upgrade may change, so they are checked like ours, on both sides.
      const betterAuth = async (step: string) => {
        const before = await catalog(AUTH_SCHEMA);
        await (await getMigrations(auth.options)).runMigrations();
        return contractions(before, await catalog(AUTH_SCHEMA)).map((f) => `${AUTH_SCHEMA} ${step}: ${f}`);
      };
      const found = [
        ...(await betterAuth('better-auth')),
        ...(await stepByStep(AUTH_SCHEMA, authMigrations)),
        ...(await betterAuth('better-auth, next start')),
      ];
      expect(found.filter((f) => !CONTRACTED.includes(f))).toEqual([]);
      const tables = new Set((await catalog(AUTH_SCHEMA)).columns.map((c) => c.table));
      expect([...tables].sort()).toEqual(expect.arrayContaining(['account', 'outbox', 'session', 'user']));
    } finally {
      await authDb.close();
    }
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
    const k = (name: string, kind: string) => ({ table: 'items', name, kind });
    const keys = [
      k('items_pkey', 'p'),
      k('items_pkey', 'unique index'),
      k('items_owner_fkey', 'f'),
      k('items_title_key', 'u'),
      k('items_title_key', 'unique index'),
      k('items_slug', 'unique index'),
    ];
    const withDefault = { columns: [col('id', false), col('state', false, true)], constraints: keys };
    expect(
      contractions(withDefault, { columns: [col('id', false), col('state', false)], constraints: [] }),
    ).toEqual([
      'column items.state (NOT NULL) lost its default',
      'primary key items_pkey dropped from items',
      'unique index items_pkey dropped from items',
      'foreign key items_owner_fkey dropped from items',
      'unique constraint items_title_key dropped from items',
      'unique index items_title_key dropped from items',
      'unique index items_slug dropped from items',
    ]);
    expect(contractions({ ...withDefault, constraints: [] }, withDefault)).toEqual([
      'primary key items_pkey added to items',
      'unique index items_pkey added to items',
      'foreign key items_owner_fkey added to items',
      'unique constraint items_title_key added to items',
      'unique index items_title_key added to items',
      'unique index items_slug added to items',
    ]);
    // A dropped table is said once, not once per key it had.
    expect(contractions(withDefault, { columns: [], constraints: [] })).toEqual([
      'table items dropped or renamed',
    ]);
  });
});
