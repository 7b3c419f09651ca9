import type { Kysely } from 'kysely';

// Frozen. What play counts from media: one row per shared file (no name, no bytes), whether a
// photo or another file, and whether it was deleted since (a deleted file counts for nothing).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shared')
    .addColumn('file_id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shared').execute();
}
