import { type Kysely, sql } from 'kysely';

// Frozen. The family's files (one row per upload; a deleted one keeps its row, marked), the
// albums and what they hold, the media settings, and each member's avatar.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('files')
    .addColumn('file_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('has_thumbnail', 'boolean', (c) => c.notNull())
    .addColumn('thumbnail_note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_seq', 'bigint')
    .execute();
  // The gallery: newest first, by sequence, live files only.
  await db.schema
    .createIndex('files_gallery')
    .on('files')
    .column('seq')
    .where(sql.ref('deleted_seq'), 'is', null)
    .execute();
  await db.schema
    .createTable('albums')
    .addColumn('album_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('album_files')
    .addColumn('album_id', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_files_pk', ['album_id', 'file_id'])
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('children_may_upload', 'boolean', (c) => c.notNull())
    .addColumn('strip_location', 'boolean', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('avatars')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['avatars', 'settings', 'album_files', 'albums', 'files'])
    await db.schema.dropTable(table).execute();
}
