import { type Kysely, sql } from 'kysely';

// Frozen. Each notification keeps the position of the event that made it, so the live loop
// follows the stream's order instead of the projector's clock (ids are `chat:<seq>:<member>`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // The builder, not raw SQL: the migrator's schema applies to it.
  await (db as Kysely<{ notifications: { id: string; seq: number } }>)
    .updateTable('notifications')
    .set({ seq: sql<number>`split_part(id, ':', 2)::bigint` })
    .execute();
  await db.schema.createIndex('notifications_seq').on('notifications').columns(['seq', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('seq').execute();
}
