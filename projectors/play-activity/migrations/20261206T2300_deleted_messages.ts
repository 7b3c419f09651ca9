import type { Kysely } from 'kysely';

// Frozen. A deleted message stops counting: each row knows its message, to be found when the
// message is deleted, and whether it was. Rows from before this migration have no message
// (a rebuild fills it in); a deletion cannot find them until then.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createIndex('messages_message')
    .on('messages')
    .columns(['channel_id', 'message_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_message').execute();
  await db.schema
    .alterTable('messages')
    .dropColumn('deleted')
    .dropColumn('message_id')
    .dropColumn('channel_id')
    .execute();
}
