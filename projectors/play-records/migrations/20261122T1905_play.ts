import { type Kysely, sql } from 'kysely';

// Frozen. The facts of play as the log states them; scores are computed from these.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rules')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('hidden_member_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('matches')
    .addColumn('match_id', 'text', (c) => c.primaryKey())
    .addColumn('game', 'text', (c) => c.notNull())
    .addColumn('game_name', 'text', (c) => c.notNull())
    // [{ user_id, place }], best first.
    .addColumn('placements', 'jsonb', (c) => c.notNull())
    .addColumn('player_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('confirmed_by', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    // reported, settled, rejected, voided
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('settled_seq', 'bigint')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('settled_by_admin', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('reason', 'text')
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('matches_settled').on('matches').columns(['game', 'settled_seq']).execute();
  await db.schema
    .createTable('chores')
    .addColumn('chore_id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('recurrence', 'text', (c) => c.notNull())
    .addColumn('retired', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('defined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('completions')
    .addColumn('chore_id', 'text', (c) => c.notNull())
    .addColumn('completion_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('photo_id', 'text')
    .addColumn('note', 'text')
    // pending, approved, rejected
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('approved_seq', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('completions_pk', ['chore_id', 'completion_id'])
    .execute();
  await db.schema
    .createTable('challenges')
    .addColumn('challenge_id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('target', 'integer', (c) => c.notNull())
    .addColumn('reward_xp', 'integer', (c) => c.notNull())
    .addColumn('member_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('cancelled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rewards')
    .addColumn('challenge_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('reward_xp', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rewards_pk', ['challenge_id', 'member_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['rewards', 'challenges', 'completions', 'chores', 'matches', 'settings', 'rules'])
    await db.schema.dropTable(t).execute();
}
