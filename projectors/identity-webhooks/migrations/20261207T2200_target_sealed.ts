import type { Kysely } from 'kysely';

// Frozen. A webhook's URL, sealed as the log has it (WebhookRegistered.target_sealed): the
// clear `url` column stays empty for webhooks registered since.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhooks').addColumn('target_sealed', 'bytea').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhooks').dropColumn('target_sealed').execute();
}
