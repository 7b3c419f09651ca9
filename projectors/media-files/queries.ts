// Reads of the media read model, as the routes answer them. Owners' names come from the
// identity_users read model; a deleted file is never answered, and a chat attachment only to
// whoever may read it (its sender, its channel's members: the chat read models say who).
import { type Kysely, sql } from 'kysely';
import type { AllowedContentType, MediaFile, UploadKind } from '../../contracts/media.api.ts';
import { attachmentVisibleSql } from '../chat-messages/queries.ts';
import { MEDIA_FILES } from './projection.ts';
import type { FileRow } from './tables.ts';

export type StoredFile = FileRow & { owner_name: string | null };

const t = (name: string, schema = MEDIA_FILES) => sql.table(`${schema}.${name}`);
const users = sql.table('identity_users.users');

export const fileUrl = (id: string): string => `/api/v1/files/${id}/download`;

export function asMediaFile(row: StoredFile): MediaFile {
  const url = fileUrl(row.file_id);
  return {
    id: row.file_id,
    url,
    thumbnail_url: row.has_thumbnail ? `${url}?thumb=1` : '',
    sha256: row.sha256,
    size_bytes: Number(row.size_bytes),
    kind: row.kind as UploadKind,
    content_type: row.content_type as AllowedContentType,
    file_name: row.file_name,
    owner_id: row.owner_id,
    owner_name: row.owner_name ?? '',
    width: row.width,
    height: row.height,
    thumbnail_note: row.thumbnail_note,
    created_at: row.created_at.toISOString(),
    seq: Number(row.seq),
  };
}

/** A live file (not deleted), or undefined. */
export async function findFile(db: Kysely<unknown>, fileId: string): Promise<StoredFile | undefined> {
  const { rows } = await sql<StoredFile>`
    SELECT f.*, u.name AS owner_name FROM ${t('files')} f LEFT JOIN ${users} u ON u.id = f.owner_id
    WHERE f.file_id = ${fileId} AND f.deleted_seq IS NULL`.execute(db);
  return rows[0];
}

/**
 * Whether `viewer` may read the file in row `f`: photos and avatars are the family's; a chat
 * attachment is its sender's and, while attached to a live message, its channel's members'.
 */
const readableBy = (viewer: string) => sql<boolean>`
  (f.kind <> 'attachment' OR f.owner_id = ${viewer} OR ${attachmentVisibleSql(sql`f.file_id`, viewer)})`;

/**
 * The gallery, newest first: what was uploaded for it. `kind` undefined: the photos and videos
 * shared as photos; 'photo' or 'avatar': that kind; 'attachment': only the viewer's own chat
 * attachments; 'all': every photo and avatar, and the viewer's own attachments. Someone else's
 * chat attachment is never listed, even to a member of its channel: the chat shows it there.
 */
export async function galleryPage(
  db: Kysely<unknown>,
  q: {
    viewer: string;
    before?: number | undefined;
    owner?: string | undefined;
    kind?: string | undefined;
    limit: number;
  },
): Promise<{ files: MediaFile[]; nextBefore: number | null }> {
  const kind = q.kind === 'all' ? null : (q.kind ?? 'photo');
  const visual = q.kind === undefined;
  const { rows } = await sql<StoredFile>`
    SELECT f.*, u.name AS owner_name FROM ${t('files')} f LEFT JOIN ${users} u ON u.id = f.owner_id
    WHERE f.deleted_seq IS NULL
      AND (${q.before ?? null}::bigint IS NULL OR f.seq < ${q.before ?? null}::bigint)
      AND (${q.owner ?? null}::text IS NULL OR f.owner_id = ${q.owner ?? null}::text)
      AND (${kind}::text IS NULL OR f.kind = ${kind}::text)
      AND (f.kind <> 'attachment' OR f.owner_id = ${q.viewer})
      AND (NOT ${visual}::boolean OR f.content_type LIKE 'image/%' OR f.content_type LIKE 'video/%')
    ORDER BY f.seq DESC LIMIT ${q.limit + 1}`.execute(db);
  const files = rows.slice(0, q.limit).map(asMediaFile);
  const last = files.at(-1);
  return { files, nextBefore: rows.length > q.limit && last ? last.seq : null };
}

/** A live file `viewer` may read (see readableBy), or undefined: no answer tells the two apart. */
export async function findReadableFile(
  db: Kysely<unknown>,
  fileId: string,
  viewer: string,
): Promise<StoredFile | undefined> {
  const { rows } = await sql<StoredFile>`
    SELECT f.*, u.name AS owner_name FROM ${t('files')} f LEFT JOIN ${users} u ON u.id = f.owner_id
    WHERE f.file_id = ${fileId} AND f.deleted_seq IS NULL AND ${readableBy(viewer)}`.execute(db);
  return rows[0];
}

export type StoredAlbum = {
  album_id: string;
  title: string;
  created_by: string;
  created_at: Date;
  count: number;
  cover: string | null;
};

// An album counts, shows and lists only what its viewer may read.
const albumSelect = (where: ReturnType<typeof sql>, viewer: string) => sql<StoredAlbum>`
  SELECT a.album_id, a.title, a.created_by, a.created_at,
    (SELECT count(*)::int FROM ${t('album_files')} af JOIN ${t('files')} f USING (file_id)
      WHERE af.album_id = a.album_id AND f.deleted_seq IS NULL AND ${readableBy(viewer)}) AS count,
    (SELECT f.file_id FROM ${t('album_files')} af JOIN ${t('files')} f USING (file_id)
      WHERE af.album_id = a.album_id AND f.deleted_seq IS NULL AND f.has_thumbnail AND ${readableBy(viewer)}
      ORDER BY f.seq DESC LIMIT 1) AS cover
  FROM ${t('albums')} a WHERE ${where} ORDER BY a.seq DESC`;

export const asAlbum = (a: StoredAlbum) => ({
  id: a.album_id,
  title: a.title,
  created_by: a.created_by,
  created_at: a.created_at.toISOString(),
  count: a.count,
  cover_thumbnail_url: a.cover ? `${fileUrl(a.cover)}?thumb=1` : '',
});

export async function listAlbums(db: Kysely<unknown>, viewer: string): Promise<StoredAlbum[]> {
  return (await albumSelect(sql`true`, viewer).execute(db)).rows;
}

export async function findAlbum(
  db: Kysely<unknown>,
  albumId: string,
  viewer: string,
): Promise<{ album: StoredAlbum; files: MediaFile[] } | undefined> {
  const album = (await albumSelect(sql`a.album_id = ${albumId}`, viewer).execute(db)).rows[0];
  if (!album) return undefined;
  const { rows } = await sql<StoredFile>`
    SELECT f.*, u.name AS owner_name FROM ${t('album_files')} af JOIN ${t('files')} f USING (file_id)
    LEFT JOIN ${users} u ON u.id = f.owner_id
    WHERE af.album_id = ${albumId} AND f.deleted_seq IS NULL AND ${readableBy(viewer)}
    ORDER BY f.seq DESC`.execute(db);
  return { album, files: rows.map(asMediaFile) };
}

/** A fingerprint of every media table, to compare a rebuild with the live model. */
export async function hashMediaTables(db: Kysely<unknown>, schema = MEDIA_FILES): Promise<string> {
  const parts: string[] = [];
  for (const table of ['files', 'albums', 'album_files', 'settings', 'avatars']) {
    const row = (
      await sql<{ digest: string | null }>`
        SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS digest FROM ${t(table, schema)} x`.execute(
        db,
      )
    ).rows[0];
    parts.push(`${table}:${row?.digest ?? 'empty'}`);
  }
  return parts.join(' ');
}

/** The family's media settings as last changed, or the defaults (children may not upload; strip location). */
export async function mediaSettings(
  db: Kysely<unknown>,
): Promise<{ children_may_upload: boolean; strip_location: boolean }> {
  const { rows } = await sql<{ children_may_upload: boolean; strip_location: boolean }>`
    SELECT children_may_upload, strip_location FROM ${t('settings')} WHERE id = 1`.execute(db);
  return rows[0] ?? { children_may_upload: false, strip_location: true };
}
