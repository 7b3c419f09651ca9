import type { Kysely } from 'kysely';

// Frozen. The family's invites: one row each, as the IDENTITY stream tells it. The token is
// not here (the log never has it); the id is its hash.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('max_uses', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_by', 'jsonb', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invites_created').on('invites').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invites').execute();
}
