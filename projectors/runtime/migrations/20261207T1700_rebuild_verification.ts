import type { Kysely } from 'kysely';

// Frozen. A rebuild is verified against the live version before it switches: what the
// comparison found, whether the admin accepted a difference beforehand, and a cancel asked
// for (by any process; the one running the rebuild reads it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rebuilds')
    .addColumn('accept_differences', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cancel_requested_at', 'timestamptz')
    .addColumn('verification', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rebuilds')
    .dropColumn('accept_differences')
    .dropColumn('cancel_requested_at')
    .dropColumn('verification')
    .execute();
}
