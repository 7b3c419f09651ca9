import { type Kysely, sql } from 'kysely';

// Frozen. What each member read and which kinds they muted, as the HOME stream tells it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbox')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('read_up_to', 'timestamptz')
    .addColumn('muted', sql`text[]`, (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createTable('reads')
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reads_pk', ['member_id', 'notification_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reads').execute();
  await db.schema.dropTable('inbox').execute();
}
