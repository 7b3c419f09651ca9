import type { Kysely } from 'kysely';

// Frozen. The family's story from the PLAY stream (chores approved, matches settled,
// challenges completed, with the names and points they show), and play's notifications.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chores')
    .addColumn('chore_id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('completions')
    .addColumn('completion_id', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('matches')
    .addColumn('match_id', 'text', (c) => c.primaryKey())
    .addColumn('game_name', 'text', (c) => c.notNull())
    .addColumn('players', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('challenges')
    .addColumn('challenge_id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .execute();
  await items(db);
  await notifications(db);
}

async function items(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('players', 'jsonb', (c) => c.notNull().defaultTo('[]'))
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('items_at').on('items').column('at').execute();
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
  await db.schema.dropTable('items').execute();
  await db.schema.dropTable('challenges').execute();
  await db.schema.dropTable('matches').execute();
  await db.schema.dropTable('completions').execute();
  await db.schema.dropTable('chores').execute();
}
