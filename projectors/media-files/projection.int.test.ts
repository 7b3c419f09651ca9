// The media read model on real NATS and Postgres, fed by the media writer: uploads, deletions,
// albums, settings and avatars; and a rebuild from the log gives the same tables.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadKind } from '../../contracts/media.api.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import type { BlobInfo } from '../../writers/media/state.ts';
import { chatChannelsProjection } from '../chat-channels/projection.ts';
import { chatMessagesProjection } from '../chat-messages/projection.ts';
import { identityUsersProjection } from '../identity-users/projection.ts';
import { PLAY_ACTIVITY_MEDIA, playActivityMediaProjection } from '../play-activity/media.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { MEDIA_FILES, mediaFilesProjection } from './projection.ts';
import {
  findAlbum,
  findFile,
  findReadableFile,
  galleryPage,
  hashMediaTables,
  listAlbums,
  mediaSettings,
} from './queries.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let writer: MediaWriter;

const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'ann',
  correlationId: 'test',
  now: new Date(),
});
const settled = async (seq: number) => {
  expect(await runner.waitFor(MEDIA_FILES, seq, 5000)).toBe(true);
  expect(await runner.waitFor(PLAY_ACTIVITY_MEDIA, seq, 5000)).toBe(true);
};
const info: BlobInfo = {
  contentType: 'image/jpeg',
  storedBytes: 90,
  width: 64,
  height: 48,
  hasThumbnail: true,
  thumbnailNote: '',
  locationStripped: true,
};
const sha = (n: number) => n.toString(16).padStart(64, '0');
const upload = (input: {
  fileId: string;
  n: number;
  owner: string;
  key: string;
  contentType?: string;
  kind?: UploadKind;
}) =>
  writer.onBlob(
    {
      type: 'upload',
      fileId: input.fileId,
      sha256: sha(input.n),
      ownerId: input.owner,
      kind: input.kind ?? 'photo',
      fileName: `${input.fileId}.jpg`,
      sizeBytes: 100,
      key: input.key,
      info: { ...info, contentType: input.contentType ?? 'image/jpeg' },
    },
    meta(),
  );

beforeAll(async () => {
  rt = await openTestRuntime();
  // The chat read models say who may read a chat attachment.
  runner = await rt.runner([
    chatChannelsProjection,
    chatMessagesProjection,
    identityUsersProjection,
    mediaFilesProjection,
    playActivityMediaProjection,
  ] as unknown as AnyProjection[]);
  writer = createMediaWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('the media read model', () => {
  it('keeps each upload, newest first, and forgets a deleted one', async () => {
    await upload({ fileId: 'f1', n: 1, owner: 'ann', key: 'k1' });
    await upload({ fileId: 'f2', n: 1, owner: 'bob', key: 'k1' });
    const { seq } = await upload({
      fileId: 'f3',
      n: 2,
      owner: 'ann',
      key: 'k2',
      contentType: 'application/pdf',
    });
    await settled(seq);
    const page = await galleryPage(rt.db, { viewer: 'ann', limit: 10, kind: 'all' });
    expect(page.files.map((f) => [f.id, f.owner_id, f.sha256])).toEqual([
      ['f3', 'ann', sha(2)],
      ['f2', 'bob', sha(1)],
      ['f1', 'ann', sha(1)],
    ]);
    expect(page.files[0]).toMatchObject({
      url: '/api/v1/files/f3/download',
      thumbnail_url: '/api/v1/files/f3/download?thumb=1',
      content_type: 'application/pdf',
      width: 64,
      size_bytes: 100,
    });
    const ann = await galleryPage(rt.db, { viewer: 'ann', limit: 1, owner: 'ann', kind: 'all' });
    expect(ann.files.map((f) => f.id)).toEqual(['f3']);
    expect(ann.nextBefore).toBe(ann.files[0]?.seq);

    const deleted = await writer.onBlob(
      { type: 'delete', fileId: 'f1', sha256: sha(1), by: 'ann', mayManage: false },
      meta(),
    );
    await settled(deleted.seq);
    expect(await findFile(rt.db, 'f1')).toBeUndefined();
    expect((await findFile(rt.db, 'f2'))?.storage_key).toBe('k1');
  });

  it('counts for play what still stands: photos and files, not deleted ones', async () => {
    const { rows } = await sql`
      SELECT file_id, kind, deleted FROM ${sql.table(`${PLAY_ACTIVITY_MEDIA}.shared`)} ORDER BY file_id`.execute(
      rt.db,
    );
    expect(rows).toEqual([
      { file_id: 'f1', kind: 'photo', deleted: true },
      { file_id: 'f2', kind: 'photo', deleted: false },
      { file_id: 'f3', kind: 'file', deleted: false },
    ]);
  });

  it('keeps albums with their live files, the settings and avatars', async () => {
    await writer.onAlbum({ type: 'create', albumId: 'a1', title: 'Summer', by: 'ann' }, meta());
    await writer.onAlbum({ type: 'add', albumId: 'a1', fileId: 'f2', by: 'ann' }, meta());
    await writer.onAlbum({ type: 'add', albumId: 'a1', fileId: 'f3', by: 'bob' }, meta());
    await writer.onAlbum({ type: 'remove', albumId: 'a1', fileId: 'f3', by: 'bob' }, meta());
    await writer.changeSettings({ childrenMayUpload: true, by: 'admin' }, meta());
    const { seq } = await writer.changeAvatar({ memberId: 'ann', fileId: 'f2', url: 'http://x/f2' }, meta());
    await settled(seq);
    const album = await findAlbum(rt.db, 'a1', 'ann');
    expect(album?.album).toMatchObject({ title: 'Summer', count: 1, cover: 'f2' });
    expect(album?.files.map((f) => f.id)).toEqual(['f2']);
    expect((await listAlbums(rt.db, 'ann')).map((a) => a.album_id)).toEqual(['a1']);
    expect(await mediaSettings(rt.db)).toEqual({ children_may_upload: true, strip_location: true });
  });

  it("lists only photos by default, and someone's chat attachment only to them", async () => {
    await upload({ fileId: 'c1', n: 3, owner: 'bob', key: 'k3', kind: 'attachment' });
    await upload({ fileId: 'v1', n: 4, owner: 'ann', key: 'k4', kind: 'avatar' });
    const { seq } = await writer.onAlbum({ type: 'add', albumId: 'a1', fileId: 'c1', by: 'bob' }, meta());
    await settled(seq);
    const ids = async (viewer: string, kind?: string) =>
      (await galleryPage(rt.db, { viewer, limit: 10, kind })).files.map((f) => f.id);
    expect(await ids('ann')).toEqual(['f2']);
    expect(await ids('bob')).toEqual(['f2']);
    expect(await ids('ann', 'attachment')).toEqual([]);
    expect(await ids('bob', 'attachment')).toEqual(['c1']);
    expect(await ids('ann', 'all')).toEqual(['v1', 'f3', 'f2']);
    expect(await ids('bob', 'all')).toEqual(['v1', 'c1', 'f3', 'f2']);
    expect(await findReadableFile(rt.db, 'c1', 'ann')).toBeUndefined();
    expect((await findReadableFile(rt.db, 'c1', 'bob'))?.file_id).toBe('c1');
    expect((await findReadableFile(rt.db, 'v1', 'bob'))?.file_id).toBe('v1');
    expect((await findAlbum(rt.db, 'a1', 'ann'))?.files.map((f) => f.id)).toEqual(['f2']);
    expect((await findAlbum(rt.db, 'a1', 'bob'))?.album.count).toBe(2);
  });

  it("forgets a member's avatar when its file is deleted, and only then", async () => {
    const avatars = async () =>
      (
        await sql<{ member_id: string; file_id: string }>`
        SELECT member_id, file_id FROM ${sql.table(`${MEDIA_FILES}.avatars`)} ORDER BY member_id`.execute(
          rt.db,
        )
      ).rows;
    await writer.changeAvatar({ memberId: 'ann', fileId: 'v1', url: 'http://x/v1' }, meta());
    const other = await writer.onBlob(
      { type: 'delete', fileId: 'f3', sha256: sha(2), by: 'ann', mayManage: false },
      meta(),
    );
    await settled(other.seq);
    expect(await avatars()).toEqual([{ member_id: 'ann', file_id: 'v1' }]);
    const { seq } = await writer.onBlob(
      { type: 'delete', fileId: 'v1', sha256: sha(4), by: 'ann', mayManage: false },
      meta(),
    );
    await settled(seq);
    expect(await avatars()).toEqual([]);
  });

  it('rebuilds from the log into the same tables', async () => {
    const before = await hashMediaTables(rt.db);
    expect(await runner.rebuild(MEDIA_FILES)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await hashMediaTables(rt.db)).toBe(before);
  });
});
