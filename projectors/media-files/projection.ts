// The media read model: every upload (a deleted one marked, so a redelivery cannot bring it
// back), albums, the media settings and avatars. Uploads are rare next to chat messages: one
// small statement per event is enough.
import { type Kysely, sql } from 'kysely';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261210 from './migrations/20261210T1000_media_files.ts';
import * as m20270401 from './migrations/20270401T1000_last_seq.ts';
import type { MediaFilesDB } from './tables.ts';

export const MEDIA_FILES = 'media_files';

export const mediaFilesProjection: Projection<MediaFilesDB, MediaEvent> = {
  name: MEDIA_FILES,
  domain: 'media',
  migrations: { '20261210T1000_media_files': m20261210, '20270401T1000_last_seq': m20270401 },
  // Albums and their files are written once; settings and avatars move their seq with each change.
  lineage: {
    files: { key: ['file_id'], seq: 'last_seq' },
    albums: { key: ['album_id'], seq: 'seq' },
    album_files: { key: ['album_id', 'file_id'], seq: 'seq' },
    settings: { key: ['id'], seq: 'seq' },
    avatars: { key: ['member_id'], seq: 'seq' },
  },
  apply: async (events, { db, schema }) => {
    for (const e of events) await applyOne(db, schema, e);
  },
};

/** Their file names, as a rebuild reads them from the shredded uploads: empty. */
const PERSONAL: PersonalCopy[] = [{ table: 'files', member: 'owner_id', blank: { file_name: sql`''` } }];

async function applyOne(db: Kysely<MediaFilesDB>, schema: string, e: StoredEvent<MediaEvent>): Promise<void> {
  const seq = String(e.seq);
  const { event } = e;
  switch (event.case) {
    case 'fileUploaded': {
      const v = event.value;
      await db
        .insertInto('files')
        .values({
          file_id: v.fileId,
          seq,
          sha256: v.sha256,
          storage_key: v.storageKey,
          owner_id: v.ownerId,
          kind: v.kind,
          content_type: v.contentType,
          file_name: v.fileName,
          size_bytes: String(v.sizeBytes),
          width: v.width || null,
          height: v.height || null,
          has_thumbnail: v.hasThumbnail,
          thumbnail_note: v.thumbnailNote,
          created_at: e.occurredAt,
          deleted_seq: null,
          last_seq: seq,
        })
        .onConflict((oc) => oc.column('file_id').doNothing())
        .execute();
      return;
    }
    case 'fileDeleted':
      await db
        .updateTable('files')
        .set({ deleted_seq: seq, last_seq: seq })
        .where('file_id', '=', event.value.fileId)
        .where('deleted_seq', 'is', null)
        .execute();
      // A deleted avatar is no one's avatar any more; a later one has another file id, so a
      // redelivery removes nothing it should keep.
      await db.deleteFrom('avatars').where('file_id', '=', event.value.fileId).execute();
      return;
    case 'albumCreated': {
      const v = event.value;
      await db
        .insertInto('albums')
        .values({
          album_id: v.albumId,
          seq,
          title: v.title,
          created_by: v.createdBy,
          created_at: e.occurredAt,
        })
        .onConflict((oc) => oc.column('album_id').doNothing())
        .execute();
      return;
    }
    case 'albumFileAdded':
      await db
        .insertInto('album_files')
        .values({ album_id: event.value.albumId, file_id: event.value.fileId, seq })
        .onConflict((oc) => oc.columns(['album_id', 'file_id']).doNothing())
        .execute();
      return;
    case 'albumFileRemoved':
      await db
        .deleteFrom('album_files')
        .where('album_id', '=', event.value.albumId)
        .where('file_id', '=', event.value.fileId)
        .where('seq', '<', seq)
        .execute();
      return;
    case 'mediaSettingsChanged': {
      const change = {
        children_may_upload: event.value.childrenMayUpload,
        strip_location: event.value.stripLocation,
        seq,
      };
      await db
        .insertInto('settings')
        .values({ id: 1, ...change })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet(change).where('settings.seq', '<', sql<string>`${seq}`),
        )
        .execute();
      return;
    }
    case 'avatarChanged': {
      const change = { file_id: event.value.fileId, seq };
      await db
        .insertInto('avatars')
        .values({ member_id: event.value.memberId, ...change })
        .onConflict((oc) =>
          oc.column('member_id').doUpdateSet(change).where('avatars.seq', '<', sql<string>`${seq}`),
        )
        .execute();
      return;
    }
    case 'memberErased':
      // Their file names (PERSONAL). Their files go too, one FileDeleted each (media_erasure),
      // which marks them here as any deletion does.
      await blankMember(
        db as Kysely<unknown>,
        { readModel: MEDIA_FILES, schema },
        event.value.memberId,
        PERSONAL,
      );
      return;
    // Releases and refusals are for the blob store's reactor and the audit log.
    case 'blobReleased':
    case 'uploadRejected':
    case undefined:
      return;
    default: {
      const never: never = event;
      return never;
    }
  }
}
