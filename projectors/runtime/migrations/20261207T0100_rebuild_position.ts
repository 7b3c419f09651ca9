import type { Kysely } from 'kysely';

// Frozen. A rebuild records how far along the stream it is, not only how many events it
// applied: a read model that follows some of a stream's subjects skips the rest, so "remaining"
// is the stream's last seq less this position.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rebuilds')
    .addColumn('position', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rebuilds').dropColumn('position').execute();
}
