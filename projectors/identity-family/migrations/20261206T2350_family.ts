import type { Kysely } from 'kysely';

// Frozen. The family's settings an admin has set: one row, made by the first of them. A column
// is null until its setting is first chosen (the hub's own settings apply until then).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('family')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('sign_up_mode', 'text')
    .addColumn('email_domains', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('family').execute();
}
