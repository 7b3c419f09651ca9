import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. An item or a notice is its
// event's (ids are `play:<seq>…`, never touched again); the others are unknown: 0 until a rebuild.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['chores', 'completions', 'matches', 'challenges', 'items', 'notifications'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  const typed = db as Kysely<{
    items: { id: string; last_seq: string };
    notifications: { seq: string; last_seq: string };
  }>;
  await typed.updateTable('items').set({ last_seq: sql<string>`split_part(id, ':', 2)::bigint` }).execute();
  await typed.updateTable('notifications').set({ last_seq: sql<string>`seq` }).execute();
}
