import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. A live
// file's is its upload; a deleted one's deletion is unknown: 0 until a rebuild fills it in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('shared')
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  await (db as Kysely<{ shared: { seq: string; deleted: boolean; last_seq: string } }>)
    .updateTable('shared')
    .set({ last_seq: sql<string>`seq` })
    .where('deleted', '=', false)
    .execute();
}
