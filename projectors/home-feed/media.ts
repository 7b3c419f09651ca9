// Photos shared, from the MEDIA stream: a member's photos, each within 30 minutes of their
// previous one, make one run, told as one feed item ("Dad shared 5 photos") with up to four
// thumbnails, dated by the run's latest photo. A deleted photo leaves the count; a run with
// none left leaves the feed. Only uploads of kind 'photo' (images and videos) are told: an
// attachment is private to its chat, an avatar is nobody's sharing.
// Each event is applied once per photo row (a redelivered upload finds its row), and the
// item is recomputed from the run's rows, so a replay writes the same item again.
import type { ColumnType, Kysely } from 'kysely';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261221 from './migrations/20261221T1000_home_feed_media.ts';
import * as m20270401 from './migrations/20270401T1002_home_feed_media_last_seq.ts';
import type { FeedRow } from './tables.ts';

export const HOME_FEED_MEDIA = 'home_feed_media';

/** How long after a member's previous photo the next still joins its run. */
export const RUN_GAP_MS = 30 * 60_000;
/** Thumbnails an item shows. */
export const MAX_THUMBNAILS = 4;

export type MediaFeedDB = {
  photos: {
    file_id: string;
    member_id: string;
    seq: ColumnType<string, number, number>;
    at: Date;
    run_id: string;
    has_thumbnail: boolean;
    deleted: boolean;
    /** The last event that touched the row: its upload, or its deletion. */
    last_seq: ColumnType<string, number, number>;
  };
  items: FeedRow & { thumbnails: ColumnType<string[], string, string> };
};

export const homeFeedMedia: Projection<MediaFeedDB, MediaEvent> = {
  name: HOME_FEED_MEDIA,
  domain: 'media',
  migrations: {
    '20261221T1000_home_feed_media': m20261221,
    '20270401T1002_home_feed_media_last_seq': m20270401,
  },
  lineage: {
    photos: { key: ['file_id'], seq: 'last_seq' },
    items: { key: ['id'], seq: 'last_seq' },
  },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

const isPhoto = (kind: string, contentType: string) =>
  kind === 'photo' && (contentType.startsWith('image/') || contentType.startsWith('video/'));

const thumbnailUrl = (fileId: string) => `/api/v1/files/${encodeURIComponent(fileId)}/download?thumb=1`;

async function applyOne(db: Kysely<MediaFeedDB>, e: StoredEvent<MediaEvent>): Promise<void> {
  const { event } = e;
  if (event.case === 'fileUploaded') {
    const v = event.value;
    if (!isPhoto(v.kind, v.contentType)) return;
    const known = await db
      .selectFrom('photos')
      .select('run_id')
      .where('file_id', '=', v.fileId)
      .executeTakeFirst();
    if (known) return;
    const previous = await db
      .selectFrom('photos')
      .select(['run_id', 'at'])
      .where('member_id', '=', v.ownerId)
      .where('seq', '<', String(e.seq))
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const run =
      previous && e.occurredAt.getTime() - previous.at.getTime() <= RUN_GAP_MS
        ? previous.run_id
        : `media:${e.seq}`;
    await db
      .insertInto('photos')
      .values({
        file_id: v.fileId,
        member_id: v.ownerId,
        seq: e.seq,
        at: e.occurredAt,
        run_id: run,
        has_thumbnail: v.hasThumbnail,
        deleted: false,
        last_seq: e.seq,
      })
      .execute();
    await tellRun(db, run, e.seq);
  } else if (event.case === 'fileDeleted') {
    const gone = await db
      .updateTable('photos')
      .set({ deleted: true, last_seq: e.seq })
      .where('file_id', '=', event.value.fileId)
      .where('deleted', '=', false)
      .returning('run_id')
      .executeTakeFirst();
    if (gone) await tellRun(db, gone.run_id, e.seq);
  }
}

/** The run's item as its photos stand now (after event `seq`): written again whole, or gone with the last photo. */
async function tellRun(db: Kysely<MediaFeedDB>, run: string, seq: number): Promise<void> {
  const live = await db
    .selectFrom('photos')
    .select(['file_id', 'member_id', 'at', 'has_thumbnail'])
    .where('run_id', '=', run)
    .where('deleted', '=', false)
    .orderBy('seq')
    .execute();
  const latest = live.at(-1);
  if (!latest) {
    await db.deleteFrom('items').where('id', '=', run).execute();
    return;
  }
  const item = {
    kind: 'photos_shared',
    actor_id: latest.member_id,
    subject_id: run,
    place: '',
    detail: live.length === 1 ? '1 photo' : `${live.length} photos`,
    players: '[]',
    link: '/gallery',
    at: latest.at,
    last_seq: seq,
    thumbnails: JSON.stringify(
      live
        .filter((p) => p.has_thumbnail)
        .slice(0, MAX_THUMBNAILS)
        .map((p) => thumbnailUrl(p.file_id)),
    ),
  };
  await db
    .insertInto('items')
    .values({ id: run, ...item })
    .onConflict((oc) => oc.column('id').doUpdateSet(item))
    .execute();
}
