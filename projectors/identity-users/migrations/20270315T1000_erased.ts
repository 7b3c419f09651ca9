import type { Kysely } from 'kysely';

// Frozen. When a member's personal data was erased on request (MemberErased): their name,
// email and image are blank from then on, as a rebuild from the shredded events leaves them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('erased_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('erased_at').execute();
}
