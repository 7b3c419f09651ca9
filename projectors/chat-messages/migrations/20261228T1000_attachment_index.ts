import { type Kysely, sql } from 'kysely';

// Frozen. Which messages carry a file: who may read a chat attachment is asked of every
// download of one (`@>` on the attachments), and a scan of the whole history would not do.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_by_attachment')
    .on('messages')
    .using('gin')
    .expression(sql`attachments jsonb_path_ops`)
    .where(sql.ref('attachments'), '<>', sql`'[]'::jsonb`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_by_attachment').execute();
}
