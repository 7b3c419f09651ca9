import type { Kysely } from 'kysely';

// Frozen. Whether the sender was erased: their words and file names are blank (personal.proto),
// so a page can say why instead of showing an empty message.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('erased', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('erased').execute();
}
