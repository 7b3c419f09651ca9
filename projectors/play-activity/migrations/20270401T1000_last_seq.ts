import { type Kysely, sql } from 'kysely';

// Frozen. Lineage: each row keeps the sequence of the last event that touched it. A live post's is its own;
// a deleted one's deletion and a quarter hour's last change are unknown: 0 until a rebuild.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages', 'buckets', 'last_message'])
    await db.schema
      .alterTable(table)
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  const typed = db as Kysely<{
    messages: { member_id: string; seq: string; deleted: boolean; last_seq: string };
    last_message: { member_id: string; last_seq: string };
  }>;
  await typed
    .updateTable('messages')
    .set({ last_seq: sql<string>`seq` })
    .where('deleted', '=', false)
    .execute();
  // The fingerprint is the member's last post's.
  await typed
    .updateTable('last_message')
    .set((eb) => ({
      last_seq: eb.fn.coalesce(
        eb
          .selectFrom('messages')
          .select((s) => s.fn.max('messages.seq').as('seq'))
          .whereRef('messages.member_id', '=', 'last_message.member_id'),
        sql<string>`0`,
      ),
    }))
    .execute();
}
