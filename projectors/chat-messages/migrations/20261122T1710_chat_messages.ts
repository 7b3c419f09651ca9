import { type Kysely, sql } from 'kysely';

// Frozen. The message history: one row per message, edits folded in, deletions as tombstones.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    // Stream sequence of the post: the order of the channel and the cursor clients resume from.
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('mentions', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // emoji → user ids, in the order they reacted.
    .addColumn('reactions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deleted_by', 'text')
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['channel_id', 'id'])
    .execute();
  await db.schema.createIndex('messages_by_seq').on('messages').columns(['channel_id', 'seq']).execute();
  await db.schema
    .createIndex('messages_by_time')
    .on('messages')
    .columns(['channel_id', 'created_at', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('messages').execute();
}
