import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. An item is
// its event's (`identity:<seq>`), never touched again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('items')
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  await (db as Kysely<{ items: { id: string; last_seq: string } }>)
    .updateTable('items')
    .set({ last_seq: sql<string>`split_part(id, ':', 2)::bigint` })
    .execute();
}
