import type { Kysely } from 'kysely';

// Frozen. The hash chain over each stream: every event's link, where the chainer is, and the
// checkpoints it signed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('links')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('link', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('links_pk', ['stream', 'seq'])
    .execute();
  await db.schema
    .createTable('positions')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('link', 'bytea', (c) => c.notNull())
    // The last sequence that is not one of this stream's own checkpoints (AUDIT's): only
    // such an event calls for a new checkpoint, so a checkpoint never causes another.
    .addColumn('last_other', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('checkpoints')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('link', 'bytea', (c) => c.notNull())
    .addColumn('audit_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkpoints_pk', ['stream', 'seq'])
    .execute();
}
