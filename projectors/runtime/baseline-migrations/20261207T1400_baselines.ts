import type { Kysely } from 'kysely';

// Frozen. Runs in each read model's `<name>_baseline` schema: which copies of its tables are
// kept, and at which checkpoint each was taken. A copy's tables are `b<id>_<table>` beside it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('baselines')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('checkpoint', 'bigint', (c) => c.notNull())
    .addColumn('tables', 'jsonb', (c) => c.notNull())
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
