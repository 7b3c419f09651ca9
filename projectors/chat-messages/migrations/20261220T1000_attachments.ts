import { type Kysely, sql } from 'kysely';

// Frozen. Files attached to a message: the snapshot its post carried (id, type, name, size,
// pixels, whether there is a thumbnail), in the sender's order. Rows from before have none.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('attachments').execute();
}
