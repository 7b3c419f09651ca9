import type { Kysely } from 'kysely';

// Frozen. The integrators' API keys, one row each, as the IDENTITY stream tells it. Neither
// the key nor its hash is here: authentication reads the log.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('keys').execute();
}
