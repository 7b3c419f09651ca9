import type { Kysely } from 'kysely';

// Frozen. One row per member who changed a preference; a member without one has the defaults.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('members')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('theme', 'text', (c) => c.notNull().defaultTo('system'))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('assistant_model', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('assistant_prompt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('members').execute();
}
