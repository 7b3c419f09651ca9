// A read model's baseline: a copy of its tables taken in one transaction with its checkpoint,
// so a rebuild can start from it once the events it sums up have left the stream. Kept in the
// schema `<name>_baseline` (the last two copies); the log keeper takes a new one before the
// first event after the newest copy's checkpoint can expire.
import { type Kysely, sql, type Transaction } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';
import * as baselines20261207 from './baseline-migrations/20261207T1400_baselines.ts';
import { migrateSchema } from './migrate.ts';
import { RUNTIME_SCHEMA } from './tables.ts';

export type Baseline = { id: number; checkpoint: number; tables: string[]; takenAt: Date };

const KEEP = 2;
const baselineMigrations = { '20261207T1400_baselines': baselines20261207 };

export const baselineSchema = (readModel: string) => `${readModel}_baseline`;
export const copyName = (id: number, table: string) => `b${id}_${table}`;

type Row = { id: number; checkpoint: string; tables: string[]; taken_at: Date };
const toBaseline = (r: Row): Baseline => ({
  id: r.id,
  checkpoint: Number(r.checkpoint),
  tables: r.tables,
  takenAt: r.taken_at,
});

async function hasBaselines(db: Kysely<unknown>, readModel: string): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`
    SELECT to_regclass(${`"${baselineSchema(readModel)}".baselines`}) IS NOT NULL AS ok`.execute(db);
  return rows[0]?.ok === true;
}

/** The kept copies, newest first. */
export async function listBaselines(db: Kysely<unknown>, readModel: string): Promise<Baseline[]> {
  if (!(await hasBaselines(db, readModel))) return [];
  const { rows } = await sql<Row>`
    SELECT id, checkpoint, tables, taken_at FROM ${sql.id(baselineSchema(readModel), 'baselines')}
    ORDER BY checkpoint DESC, id DESC`.execute(db);
  return rows.map(toBaseline);
}

/** The newest copy a rebuild can start from when the stream's first retained event is `firstSeq`. */
export async function baselineFor(
  db: Kysely<unknown>,
  readModel: string,
  firstSeq: number,
): Promise<Baseline | undefined> {
  return (await listBaselines(db, readModel)).find((b) => b.checkpoint >= firstSeq - 1);
}

/**
 * Copies the read model's tables at its checkpoint, then drops all but the last two copies.
 * Undefined when the read model has no checkpoint yet (nothing to keep).
 */
export async function takeBaseline(db: Kysely<unknown>, readModel: string): Promise<Baseline | undefined> {
  const schema = baselineSchema(readModel);
  await migrateSchema({ db, schema, migrations: baselineMigrations });
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // The first statement fixes the snapshot; the share lock holds off a rebuild's swap
      // (which locks this row for update) until the copy is done.
      const { rows } = await sql<{ last_seq: string }>`
        SELECT last_seq FROM ${sql.id(RUNTIME_SCHEMA, 'checkpoints')}
        WHERE read_model = ${readModel} FOR SHARE`.execute(tx);
      if (!rows[0]) return undefined;
      const checkpoint = Number(rows[0].last_seq);
      const tables = await readModelTables(tx, readModel);
      const { rows: made } = await sql<Row>`
        INSERT INTO ${sql.id(schema, 'baselines')} (checkpoint, tables, taken_at)
        VALUES (${checkpoint}, ${JSON.stringify(tables)}::jsonb, now())
        RETURNING id, checkpoint, tables, taken_at`.execute(tx);
      const baseline = toBaseline(made[0] as Row);
      for (const table of tables) {
        await sql`CREATE TABLE ${sql.id(schema, copyName(baseline.id, table))}
          AS SELECT * FROM ${sql.id(readModel, table)}`.execute(tx);
      }
      await prune(tx, readModel);
      return baseline;
    });
}

async function prune(tx: Transaction<unknown>, readModel: string): Promise<void> {
  const schema = baselineSchema(readModel);
  const { rows } = await sql<Row>`
    SELECT id, checkpoint, tables, taken_at FROM ${sql.id(schema, 'baselines')}
    ORDER BY checkpoint DESC, id DESC OFFSET ${KEEP}`.execute(tx);
  for (const old of rows) {
    for (const table of old.tables) {
      await sql`DROP TABLE IF EXISTS ${sql.id(schema, copyName(old.id, table))}`.execute(tx);
    }
    await sql`DELETE FROM ${sql.id(schema, 'baselines')} WHERE id = ${old.id}`.execute(tx);
  }
}

/** The read model's own tables (not its migration bookkeeping). */
async function readModelTables(db: Kysely<unknown>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = ${schema} AND tablename NOT LIKE 'kysely\\_%'
    ORDER BY tablename`.execute(db);
  return rows.map((r) => r.tablename);
}

async function columns(db: Kysely<unknown>, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${table} AND is_generated = 'NEVER'
    ORDER BY ordinal_position`.execute(db);
  return rows.map((r) => r.column_name);
}

/** Serial and identity columns, whose sequences must pass the ids copied in. */
async function sequenced(db: Kysely<unknown>, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${table}
      AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`.execute(db);
  return rows.map((r) => r.column_name);
}

/**
 * Fills `target` (the read model's tables, freshly migrated) from a copy: the columns both
 * have, so a migration added since the copy leaves its new columns at their defaults. Serial
 * and identity sequences move past the copied ids.
 */
export async function restoreBaseline({
  db,
  readModel,
  baseline,
  target,
}: {
  db: Kysely<unknown>;
  readModel: string;
  baseline: Baseline;
  target: string;
}): Promise<void> {
  const schema = baselineSchema(readModel);
  const present = new Set(await readModelTables(db, target));
  for (const table of baseline.tables) {
    if (!present.has(table)) continue;
    const from = copyName(baseline.id, table);
    const theirs = new Set(await columns(db, schema, from));
    const shared = (await columns(db, target, table)).filter((c) => theirs.has(c));
    if (shared.length === 0) continue;
    const list = sql.join(shared.map((c) => sql.id(c)));
    await sql`INSERT INTO ${sql.id(target, table)} (${list}) OVERRIDING SYSTEM VALUE
      SELECT ${list} FROM ${sql.id(schema, from)}`.execute(db);
    for (const column of await sequenced(db, target, table)) {
      await sql`SELECT setval(pg_get_serial_sequence(${`"${target}"."${table}"`}, ${column}), m)
        FROM (SELECT max(${sql.id(column)}) AS m FROM ${sql.id(target, table)}) x
        WHERE m IS NOT NULL`.execute(db);
    }
  }
}

/**
 * Where a rebuild into `target` starts: with the whole stream retained (first sequence 1),
 * from nothing (0); else from the newest copy reaching back to the first retained event,
 * restored into `target`, at its checkpoint. None reaches back: the rebuild is refused, as it
 * would lose what only the read model still holds.
 */
export async function rebuildStart({
  db,
  readModel,
  target,
  firstSeq,
}: {
  db: Kysely<unknown>;
  readModel: string;
  target: string;
  firstSeq: number;
}): Promise<number> {
  if (firstSeq <= 1) return 0;
  const baseline = await baselineFor(db, readModel, firstSeq);
  if (!baseline) {
    throw commonErrors.conflict(
      `The log begins at ${firstSeq} and no baseline of ${readModel} reaches back to it.`,
    );
  }
  await restoreBaseline({ db, readModel, baseline, target });
  return baseline.checkpoint;
}

/** Records where a member's erasure stands on a stream (the reactor that carries it out). */
export async function recordErasure(
  db: Kysely<unknown>,
  domain: string,
  memberId: string,
  seq: number,
): Promise<void> {
  await sql`
    INSERT INTO ${sql.id(RUNTIME_SCHEMA, 'erasures')} (domain, member_id, seq) VALUES (${domain}, ${memberId}, ${seq})
    ON CONFLICT (domain, member_id) DO UPDATE SET seq = GREATEST(erasures.seq, EXCLUDED.seq)`.execute(db);
}

/**
 * Baselines taken before the newest erasure on the read model's stream were blanked where they
 * lie, by the batch that applied it; all the same, once the read model has applied that erasure
 * a new copy is taken and the copies before it are dropped, so no copy from before an erasure
 * outlives the keeper's next round. Returns the copy taken, if one was.
 */
export async function refreshAfterErasure(
  db: Kysely<unknown>,
  readModel: string,
  domain: string,
): Promise<Baseline | undefined> {
  const { rows } = await sql<{ seq: string | null }>`
    SELECT max(seq) AS seq FROM ${sql.id(RUNTIME_SCHEMA, 'erasures')} WHERE domain = ${domain}`.execute(db);
  const erased = Number(rows[0]?.seq ?? 0);
  if (erased === 0) return undefined;
  const stale = (await listBaselines(db, readModel)).filter((b) => b.checkpoint < erased);
  if (stale.length === 0) return undefined;
  const { rows: at } = await sql<{ last_seq: string }>`
    SELECT last_seq FROM ${sql.id(RUNTIME_SCHEMA, 'checkpoints')} WHERE read_model = ${readModel}`.execute(
    db,
  );
  // Not there yet: the copies stay (blanked with the live tables, runtime/erasures.ts) until a
  // newer one can stand in for them, so a rebuild always has one to start from.
  if (Number(at[0]?.last_seq ?? 0) < erased) return undefined;
  const taken = await takeBaseline(db, readModel);
  await db.transaction().execute(async (tx) => {
    const schema = baselineSchema(readModel);
    for (const old of stale) {
      for (const table of old.tables) {
        await sql`DROP TABLE IF EXISTS ${sql.id(schema, copyName(old.id, table))}`.execute(tx);
      }
      await sql`DELETE FROM ${sql.id(schema, 'baselines')} WHERE id = ${old.id}`.execute(tx);
    }
  });
  return taken;
}
