import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { commonErrors } from '../../contracts/errors.ts';

/** Runs a set of frozen migrations inside one schema, creating the schema first. */
export async function migrateSchema({
  db,
  schema,
  migrations,
}: {
  db: Kysely<unknown>;
  schema: string;
  migrations: Record<string, Migration>;
}): Promise<void> {
  // Two processes starting together may race to create the schema; one of them wins.
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db).catch((err: { code?: string }) => {
    if (err.code !== '23505' && err.code !== '42P06') throw err;
  });
  const migrator = new Migrator({
    db: db.withSchema(schema),
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const wrapped = commonErrors.unavailable(`Migration ${failed} failed in schema ${schema}.`);
    wrapped.cause = error;
    throw wrapped;
  }
}
