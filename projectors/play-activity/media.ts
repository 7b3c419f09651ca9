// Play's view of media: who shared a photo or a file when, and whether it was deleted since
// (deleting it takes its XP back, as a deleted message stops counting). Images and videos are
// photos, PDFs files; avatars are nobody's sharing. A read model of the MEDIA stream beside
// play_activity's chat one.
import type { Kysely } from 'kysely';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261210 from './migrations/20261210T1010_play_activity_media.ts';
import * as m20270401 from './migrations/20270401T1010_play_activity_media_last_seq.ts';

export const PLAY_ACTIVITY_MEDIA = 'play_activity_media';

export type PlayMediaDB = {
  shared: {
    file_id: string;
    member_id: string;
    seq: string;
    at: Date;
    kind: string;
    deleted: boolean;
    /** The last event that touched the row: its upload, or its deletion. */
    last_seq: string;
  };
};

/** What sharing this counts as, for the play rules; null: not sharing (an avatar). */
export function sharedKind(kind: string, contentType: string): 'photo' | 'file' | null {
  if (kind === 'avatar') return null;
  return contentType.startsWith('image/') || contentType.startsWith('video/') ? 'photo' : 'file';
}

export const playActivityMediaProjection: Projection<PlayMediaDB, MediaEvent> = {
  name: PLAY_ACTIVITY_MEDIA,
  domain: 'media',
  migrations: {
    '20261210T1010_play_activity_media': m20261210,
    '20270401T1010_play_activity_media_last_seq': m20270401,
  },
  lineage: { shared: { key: ['file_id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<PlayMediaDB>, e: StoredEvent<MediaEvent>): Promise<void> {
  if (e.event.case === 'fileUploaded') {
    const v = e.event.value;
    const kind = sharedKind(v.kind, v.contentType);
    if (!kind) return;
    await db
      .insertInto('shared')
      .values({
        file_id: v.fileId,
        member_id: v.ownerId,
        seq: String(e.seq),
        at: e.occurredAt,
        kind,
        deleted: false,
        last_seq: String(e.seq),
      })
      .onConflict((oc) => oc.column('file_id').doNothing())
      .execute();
  } else if (e.event.case === 'fileDeleted') {
    await db
      .updateTable('shared')
      .set({ deleted: true, last_seq: String(e.seq) })
      .where('file_id', '=', e.event.value.fileId)
      .where('deleted', '=', false)
      .execute();
  }
}
