// Photos shared in the family feed, on real NATS and Postgres, fed by the media writer: a
// member's photos within 30 minutes of each other are one item with up to four thumbnails;
// attachments, avatars and PDFs are not told; a deleted photo leaves the count and the last
// one the feed; every event applied again changes nothing; a rebuild gives the same tables.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createAppender } from '../../writers/log/append.ts';
import { decodeEvent } from '../../writers/log/decode.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection, StoredEvent } from '../runtime/types.ts';
import { homeFeedIdentity } from './identity.ts';
import { HOME_FEED_MEDIA, homeFeedMedia, type MediaFeedDB } from './media.ts';
import { homeFeedProjection } from './projection.ts';
import { type FeedListed, feedPage } from './queries.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let writer: MediaWriter;

const t0 = new Date('2030-05-01T10:00:00Z');
const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);
const shas = new Map<string, string>();

let n = 0;
async function upload(
  fileId: string,
  owner: string,
  at: Date,
  { kind = 'photo', contentType = 'image/jpeg', thumb = true } = {},
): Promise<number> {
  n += 1;
  const sha256 = n.toString(16).padStart(64, '0');
  shas.set(fileId, sha256);
  const { seq } = await writer.onBlob(
    {
      type: 'upload',
      fileId,
      sha256,
      ownerId: owner,
      kind: kind as 'photo',
      fileName: `${fileId}.jpg`,
      sizeBytes: 10,
      key: `key-${n}`,
      info: {
        contentType,
        storedBytes: 10,
        width: 4,
        height: 4,
        hasThumbnail: thumb,
        thumbnailNote: thumb ? '' : 'none',
        locationStripped: false,
      },
    },
    { commandId: randomUUID(), actorId: owner, correlationId: 'test', now: at },
  );
  return seq;
}

const remove = async (fileId: string, owner: string) =>
  (
    await writer.onBlob(
      { type: 'delete', fileId, sha256: shas.get(fileId) ?? '', by: owner, mayManage: false },
      { commandId: randomUUID(), actorId: owner, correlationId: 'test', now: minutes(500) },
    )
  ).seq;

const settled = async (seq: number) => expect(await runner.waitFor(HOME_FEED_MEDIA, seq, 5000)).toBe(true);

const photosShared = async (): Promise<FeedListed[]> =>
  (await feedPage(rt.db, { limit: 100 })).filter((r) => r.kind === 'photos_shared');

const thumb = (id: string) => `/api/v1/files/${id}/download?thumb=1`;

async function hashTables(db: Kysely<unknown> = rt.db): Promise<string> {
  const { rows } = await sql<{ h: string }>`
    SELECT md5(
      coalesce((SELECT string_agg(t::text, '|' ORDER BY file_id) FROM home_feed_media.photos t), '') ||
      coalesce((SELECT string_agg(t::text, '|' ORDER BY id) FROM home_feed_media.items t), '')
    ) AS h`.execute(db);
  return rows[0]?.h ?? '';
}

async function mediaEvents(): Promise<StoredEvent<MediaEvent>[]> {
  const stream = rt.log.names.stream('media');
  const out: StoredEvent<MediaEvent>[] = [];
  const last = (await rt.log.jsm.streams.info(stream)).state.last_seq;
  for (let seq = 1; seq <= last; seq++) {
    const msg = await rt.log.jsm.direct.getMessage(stream, { seq });
    if (msg) out.push(decodeEvent('media', stream, msg) as StoredEvent<MediaEvent>);
  }
  return out;
}

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([
    identityUsersProjection,
    homeFeedProjection,
    homeFeedIdentity,
    homeFeedMedia,
  ] as unknown as AnyProjection[]);
  writer = createMediaWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('photos shared in the feed', () => {
  it("tells a member's photos taken in one run as one item with four thumbnails", async () => {
    await upload('d1', 'dad', minutes(0));
    await upload('d2', 'dad', minutes(10));
    await upload('b1', 'bob', minutes(12));
    await upload('d3', 'dad', minutes(25), { thumb: false });
    await upload('d4', 'dad', minutes(50));
    await upload('d5', 'dad', minutes(70));
    await upload('d6', 'dad', minutes(90));
    // More than 30 minutes after dad's previous photo: a new run.
    await upload('d7', 'dad', minutes(200));
    // Not told: a chat attachment, an avatar, a PDF.
    await upload('x1', 'dad', minutes(201), { kind: 'attachment' });
    await upload('x2', 'dad', minutes(202), { kind: 'avatar' });
    const last = await upload('x3', 'dad', minutes(203), { contentType: 'application/pdf', thumb: false });
    await settled(last);
    const items = await photosShared();
    expect(
      items.map((i) => ({
        actor: i.actor_id,
        detail: i.detail,
        thumbnails: i.thumbnails,
        at: i.at.toISOString(),
        link: i.link,
      })),
    ).toEqual([
      {
        actor: 'dad',
        detail: '1 photo',
        thumbnails: [thumb('d7')],
        at: minutes(200).toISOString(),
        link: '/gallery',
      },
      {
        actor: 'dad',
        detail: '6 photos',
        thumbnails: ['d1', 'd2', 'd4', 'd5'].map(thumb),
        at: minutes(90).toISOString(),
        link: '/gallery',
      },
      {
        actor: 'bob',
        detail: '1 photo',
        thumbnails: [thumb('b1')],
        at: minutes(12).toISOString(),
        link: '/gallery',
      },
    ]);
    // Other kinds carry no thumbnails.
    expect((await feedPage(rt.db, { limit: 100 })).every((r) => Array.isArray(r.thumbnails))).toBe(true);
  });

  it('counts a deleted photo out, and drops the item with its last photo', async () => {
    await remove('d2', 'dad');
    await remove('b1', 'bob');
    await settled(await remove('d7', 'dad'));
    const items = await photosShared();
    expect(items.map((i) => [i.actor_id, i.detail, i.thumbnails])).toEqual([
      ['dad', '5 photos', ['d1', 'd4', 'd5', 'd6'].map(thumb)],
    ]);
  });

  it('changes nothing when every event is applied again', async () => {
    const before = await hashTables();
    const events = await mediaEvents();
    expect(events.length).toBeGreaterThan(10);
    const rollback = new Error('rollback');
    let again = '';
    await rt.db
      .transaction()
      .execute(async (tx) => {
        const db = tx.withSchema(HOME_FEED_MEDIA) as unknown as Kysely<MediaFeedDB>;
        await homeFeedMedia.apply(events, { db, schema: HOME_FEED_MEDIA, rebuilding: false });
        again = await hashTables(tx);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    expect(again).toBe(before);
  });

  it('rebuilds from the log into the same tables', async () => {
    const before = await hashTables();
    expect(await runner.rebuild(HOME_FEED_MEDIA)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await hashTables()).toBe(before);
  });
});
