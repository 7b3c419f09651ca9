import type { Kysely } from 'kysely';

// Frozen. How far the log keeper has kept each stream's aggregates: every subject with an
// event at or below `seq` has its snapshot.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('positions')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
}
