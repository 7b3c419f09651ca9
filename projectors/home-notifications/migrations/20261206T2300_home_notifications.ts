import { type Kysely, sql } from 'kysely';

// Frozen. What each member read and which kinds they muted, and the milestones (levels,
// achievements) told to them, as the HOME stream tells it.
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
  await notifications(db);
}

async function notifications(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text')
    .addColumn('audience', 'text')
    .addColumn('except_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_member')
    .on('notifications')
    .columns(['member_id', 'at'])
    .execute();
  await db.schema.createIndex('notifications_added').on('notifications').column('added_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('reads').execute();
  await db.schema.dropTable('inbox').execute();
}
