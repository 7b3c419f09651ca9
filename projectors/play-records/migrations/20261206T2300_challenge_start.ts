import type { Kysely } from 'kysely';

// Frozen. When a challenge's progress starts to count (ChallengeCreated.starts_at). Null: the
// whole week, from its Monday, which is what every challenge created before it meant.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('challenges').addColumn('starts_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('challenges').dropColumn('starts_at').execute();
}
