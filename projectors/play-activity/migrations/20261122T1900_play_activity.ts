import type { Kysely } from 'kysely';

// Frozen. What play counts from chat: one row per posted message (no text), and each
// member's last message fingerprint, so a repeated identical message earns nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    // Identical (after trimming, case and spacing) to the member's previous message.
    .addColumn('repeat', 'boolean', (c) => c.notNull())
    // One index serves both: a sequence always belongs to the same member, so (member, seq)
    // is as unique as seq, and it walks one member's messages in order.
    .addPrimaryKeyConstraint('messages_pk', ['member_id', 'seq'])
    .execute();
  // Per member and quarter hour: any family time zone's days are whole quarters, so scores
  // group these instead of every message.
  await db.schema
    .createTable('buckets')
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('bucket', 'timestamptz', (c) => c.notNull())
    .addColumn('messages', 'integer', (c) => c.notNull())
    .addColumn('unique_messages', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('buckets_pk', ['member_id', 'bucket'])
    .execute();
  await db.schema
    .createTable('last_message')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('buckets').execute();
  await db.schema.dropTable('last_message').execute();
  await db.schema.dropTable('messages').execute();
}
