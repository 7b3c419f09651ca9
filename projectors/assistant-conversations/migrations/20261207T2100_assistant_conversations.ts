import type { Kysely } from 'kysely';

// Frozen. One row per conversation and one per turn (its prompt and its answer); the usage
// per member and day is read from the turns.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('turns', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversations_member')
    .on('conversations')
    .columns(['member_id', 'updated_at'])
    .execute();
  await db.schema
    .createTable('turns')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('turn', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answer_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cut_off', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cached', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('asked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('turns_pk', ['conversation_id', 'turn'])
    .execute();
  await db.schema.createIndex('turns_member_day').on('turns').columns(['member_id', 'asked_at']).execute();
  // The admins' settings, one row: models per role and quotas per member, as JSON.
  await db.schema
    .createTable('settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('allowed_models', 'jsonb', (c) => c.notNull())
    .addColumn('quotas', 'jsonb', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropTable('turns').execute();
  await db.schema.dropTable('conversations').execute();
}
