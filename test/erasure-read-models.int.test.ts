// A member's erasure in the read models of chat, media and play, on real NATS and Postgres:
// Ann posts, edits, sends a DM and a file, uploads photos and an avatar, has an upload
// refused, marks a chore done with a note; then she is erased as the flow does it (her key
// destroyed, then MemberErased on each stream). Her words, file names and notes are gone from
// every read model and its baselines, her files are deleted (bytes Bob's upload shares stay),
// the streams never held them in the clear, and a rebuild of every read model equals the live one.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Domain } from '../contracts/subjects.ts';
import { chatChannelsProjection } from '../projectors/chat-channels/projection.ts';
import { chatMessagesProjection } from '../projectors/chat-messages/projection.ts';
import { homeFeedMedia } from '../projectors/home-feed/media.ts';
import { homeFeedProjection } from '../projectors/home-feed/projection.ts';
import { homeNotificationsChat } from '../projectors/home-notifications/chat.ts';
import { MEDIA_ERASURE, mediaErasureReactor } from '../projectors/media-erasure/reactor.ts';
import { mediaFilesProjection } from '../projectors/media-files/projection.ts';
import { mediaReleaseReactor } from '../projectors/media-release/reactor.ts';
import { playActivityMediaProjection } from '../projectors/play-activity/media.ts';
import { playActivityProjection } from '../projectors/play-activity/projection.ts';
import { playRecordsProjection } from '../projectors/play-records/projection.ts';
import { takeBaseline } from '../projectors/runtime/baseline.ts';
import type { ProjectorRunner } from '../projectors/runtime/runner.ts';
import type { AnyProjection } from '../projectors/runtime/types.ts';
import type { AttachedFile } from '../writers/chat/attachments.ts';
import { createChatWriter } from '../writers/chat/commands.ts';
import { createChatReader } from '../writers/chat/load.ts';
import { type CommandMeta, createAppender } from '../writers/log/append.ts';
import { ERASURE_DOMAINS, erasureAggregate } from '../writers/log/erasure.ts';
import type { BlobStore } from '../writers/media/blobs.ts';
import { openBlobStore } from '../writers/media/blobs.ts';
import { createMediaWriter } from '../writers/media/commands.ts';
import { createPlayWriter } from '../writers/play/commands.ts';
import { found, readModelHash, rowsText, streamBytes } from './erased.ts';
import { type TestUploadKind, uploadFile } from './media-uploads.ts';
import { openTestRuntime, type TestRuntime } from './runtime.ts';

const SECRETS = [
  'ann-secret-words',
  'ann-secret-edit',
  'ann-secret-dm',
  'ann-secret-file',
  'ann-secret-photo',
  'ann-secret-avatar',
  'ann-secret-url',
  'ann-secret-rejected',
  'ann-secret-note',
];
const READ_MODELS = [
  chatChannelsProjection,
  chatMessagesProjection,
  playActivityProjection,
  homeNotificationsChat,
  playRecordsProjection,
  homeFeedProjection,
  mediaFilesProjection,
  homeFeedMedia,
  playActivityMediaProjection,
];
/** The erasure reactor issues deletions the media read models then apply, and the release follows. */
const MEDIA_REACTORS = [MEDIA_ERASURE, 'media_release'];

let rt: TestRuntime;
let runner: ProjectorRunner;
let store: BlobStore;
let work: string;
const files = new Map<string, AttachedFile>();
const meta = (actorId: string): CommandMeta => ({
  commandId: randomUUID(),
  actorId,
  correlationId: 'erasure-test',
  now: new Date(),
});

/** Every read model and reactor has applied everything on its stream, reactors' commands too. */
async function settled(): Promise<void> {
  const last = (domain: Domain) =>
    rt.log.jsm.streams.info(rt.log.names.stream(domain)).then((i) => i.state.last_seq);
  const order: [string, Domain][] = [
    ...READ_MODELS.filter((p) => p.domain !== 'media').map((p): [string, Domain] => [p.name, p.domain]),
    [MEDIA_ERASURE, 'media'],
    ...READ_MODELS.filter((p) => p.domain === 'media').map((p): [string, Domain] => [p.name, p.domain]),
    ['media_release', 'media'],
  ];
  for (const [name, domain] of order)
    expect(await runner.waitFor(name, await last(domain), 10_000)).toBe(true);
}

const query = async <R>(text: ReturnType<typeof sql>) => (await text.execute(rt.db)).rows as R[];

beforeAll(async () => {
  rt = await openTestRuntime();
  work = await mkdtemp(path.join(tmpdir(), 'hearth-erasure-'));
  const bytes = path.join(work, 'bytes');
  await writeFile(bytes, 'bytes');
  store = await openBlobStore({ spec: 'nats', nc: rt.log.nc, names: rt.log.names });
  const appender = createAppender({ log: rt.log });
  const media = createMediaWriter({ appender, log: rt.log });
  const chat = createChatWriter({
    appender,
    reader: createChatReader({ log: rt.log }),
    lookupFiles: async (ids) => new Map(ids.flatMap((id) => files.get(id) ?? []).map((f) => [f.id, f])),
  });
  const play = createPlayWriter({ appender });
  runner = await rt.runner([
    ...READ_MODELS,
    mediaErasureReactor({ media }),
    mediaReleaseReactor({ store }),
  ] as unknown as AnyProjection[]);

  const upload = async (fileId: string, owner: string, n: number, kind: TestUploadKind, fileName: string) => {
    const { file } = await uploadFile({
      media,
      fileId,
      owner,
      n,
      kind,
      fileName,
      meta: meta(owner),
      bytes: { store, path: bytes },
    });
    files.set(fileId, file);
  };
  await upload('ann-p1', 'ann', 1, 'photo', 'ann-secret-photo.jpg');
  await upload('bob-p1', 'bob', 1, 'photo', 'bob-photo.jpg'); // the same bytes as Ann's photo
  await upload('ann-a1', 'ann', 2, 'attachment', 'ann-secret-file.pdf');
  await upload('ann-v1', 'ann', 3, 'avatar', 'ann-secret-avatar.jpg');
  await upload('bob-p2', 'bob', 4, 'photo', 'bob-other.jpg');
  await media.changeAvatar(
    { memberId: 'ann', fileId: 'ann-v1', url: 'https://hearth.test/ann-secret-url' },
    meta('ann'),
  );
  const refused = { sizeBytes: 5, sha256: 'f'.repeat(64), signature: 'Eicar-Test', kind: 'file' };
  await media.reject(
    { rejectionId: 'r1', ownerId: 'ann', fileName: 'ann-secret-rejected.exe', ...refused },
    meta('ann'),
  );

  for (const who of ['ann', 'bob']) await chat.joinFamily(who, meta(''));
  const { channelId: dm } = await chat.openDm({ with: 'bob', by: 'ann' }, meta('ann'));
  const post = (
    senderId: string,
    content: string,
    more: { mentionIds?: string[]; attachmentIds?: string[] } = {},
    channelId = 'family',
  ) =>
    chat.post(
      { channelId, messageId: randomUUID(), senderId, content, mentionIds: [], ...more },
      meta(senderId),
    );
  await post('ann', 'ann-secret-words to @bob', { mentionIds: ['bob'] });
  await post('ann', 'same again');
  await post('ann', 'same again');
  await post('ann', 'ann-secret-words with a file', { attachmentIds: ['ann-a1'] });
  const edited = randomUUID();
  await chat.post(
    { channelId: 'family', messageId: edited, senderId: 'ann', content: 'draft', mentionIds: ['bob'] },
    meta('ann'),
  );
  await chat.edit(
    {
      channelId: 'family',
      messageId: edited,
      by: 'ann',
      content: 'ann-secret-edit @bob',
      mentionIds: ['bob'],
    },
    meta('ann'),
  );
  await post('ann', 'ann-secret-dm', {}, dm);
  await post('bob', 'bob words for @ann', { mentionIds: ['ann'] });
  await post('bob', 'bob in the dm', {}, dm);

  await play.defineChore(
    { choreId: 'dishes', title: 'Dishes', points: 5, recurrence: 'daily', by: 'admin' },
    meta('admin'),
  );
  await play.markChoreDone({ choreId: 'dishes', memberId: 'ann', note: 'ann-secret-note' }, meta('ann'));
  await play.markChoreDone({ choreId: 'dishes', memberId: 'bob', note: 'bob note' }, meta('bob'));
  await settled();
}, 60_000);
afterAll(async () => {
  await rt?.cleanup();
  await rm(work, { recursive: true, force: true });
});

const live = READ_MODELS.map((p) => p.name);
/** The read models and their baselines (projectors/runtime/baseline.ts). */
const schemas = live.flatMap((name) => [name, `${name}_baseline`]);

describe("a member's erasure", () => {
  it('finds her words in the read models before, and never in the streams in the clear', async () => {
    // All but the refused upload's name (the audit log's) and the avatar's address (not kept).
    const kept = SECRETS.filter((s) => s !== 'ann-secret-rejected' && s !== 'ann-secret-url');
    expect(found(await rowsText(rt.db, live), SECRETS)).toEqual(kept);
    for (const domain of ['chat', 'media', 'play'] as const)
      expect(found(await streamBytes(rt.log, domain), SECRETS)).toEqual([]);
    // Copies the keeper would take: the erasure must reach them too.
    for (const name of live) await takeBaseline(rt.db, name);
    expect(
      found(
        await rowsText(
          rt.db,
          live.map((name) => `${name}_baseline`),
        ),
        SECRETS,
      ),
    ).toEqual(kept);
  });

  it('blanks her words, names and notes everywhere, and deletes her files', async () => {
    await rt.log.keys.erase('ann');
    const appender = createAppender({ log: rt.log });
    for (const domain of ERASURE_DOMAINS) {
      const command = { memberId: 'ann', requestedBy: 'admin', requestedAtMs: Date.now() };
      await appender.append({ type: erasureAggregate(domain), id: 'ann', command, meta: meta('admin') });
    }
    await settled();
    expect(found(await rowsText(rt.db, schemas), SECRETS)).toEqual([]);

    const messages = await query<{
      sender_id: string;
      content: string;
      erased: boolean;
      names: string[];
    }>(sql`
      SELECT sender_id, content, erased, ARRAY(SELECT a->>'file_name' FROM jsonb_array_elements(attachments) a) AS names
      FROM chat_messages.messages WHERE sender_id <> '' ORDER BY seq`);
    expect(messages.filter((m) => m.sender_id === 'ann').every((m) => m.content === '' && m.erased)).toBe(
      true,
    );
    expect(messages.filter((m) => m.sender_id === 'ann').flatMap((m) => m.names)).toEqual(['']);
    expect(messages.filter((m) => m.sender_id === 'bob').map((m) => [m.content, m.erased])).toEqual([
      ['bob words for @ann', false],
      ['bob in the dm', false],
    ]);
    const told = await query<{ actor_id: string; body: string }>(sql`
      SELECT actor_id, body FROM home_notifications_chat.notifications ORDER BY seq`);
    expect(told.filter((n) => n.actor_id === 'ann').map((n) => n.body)).toEqual(['', '', '']);
    expect(told.filter((n) => n.actor_id === 'bob').map((n) => n.body)).toEqual([
      'bob words for @ann',
      'bob in the dm',
    ]);
    const notes = await query<{ member_id: string; note: string | null }>(sql`
      SELECT member_id, note FROM play_records.completions ORDER BY member_id`);
    expect(notes).toEqual([
      { member_id: 'ann', note: null },
      { member_id: 'bob', note: 'bob note' },
    ]);
    const waiting = await query<{ actor_id: string; body: string }>(sql`
      SELECT actor_id, body FROM home_feed.notifications WHERE kind = 'chore_waiting' ORDER BY actor_id`);
    expect(waiting).toEqual([
      { actor_id: 'ann', body: '' },
      { actor_id: 'bob', body: 'bob note' },
    ]);
    // Her posts repeat nothing any more (no words to compare), and no fingerprint of hers stays.
    expect(
      await query(sql`SELECT repeat FROM play_activity.messages WHERE member_id = 'ann' AND repeat`),
    ).toEqual([]);
    expect(await query(sql`SELECT 1 FROM play_activity.last_message WHERE member_id = 'ann'`)).toEqual([]);
  });

  it('deletes her uploads and avatar as Hearth: bytes only she pointed at go, shared ones stay', async () => {
    const media = await query<{ file_id: string; file_name: string; gone: boolean }>(sql`
      SELECT file_id, file_name, deleted_seq IS NOT NULL AS gone FROM media_files.files ORDER BY file_id`);
    expect(media).toEqual([
      { file_id: 'ann-a1', file_name: '', gone: true },
      { file_id: 'ann-p1', file_name: '', gone: true },
      { file_id: 'ann-v1', file_name: '', gone: true },
      { file_id: 'bob-p1', file_name: 'bob-photo.jpg', gone: false },
      { file_id: 'bob-p2', file_name: 'bob-other.jpg', gone: false },
    ]);
    expect(await query(sql`SELECT member_id FROM media_files.avatars`)).toEqual([]);
    expect(await store.has('key-1')).toBe(true);
    for (const key of ['key-2', 'key-3', 'key-2.thumb']) expect(await store.has(key)).toBe(false);
    expect(await store.has('key-4')).toBe(true);
    const parked = await query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM hearth.dead_letters WHERE read_model = ANY(${MEDIA_REACTORS}::text[])`);
    expect(parked[0]?.n).toBe(0);
  });

  it('is written once: erasing again appends nothing and deletes nothing twice', async () => {
    const before = await rt.log.jsm.streams.info(rt.log.names.stream('media'));
    const again = await createAppender({ log: rt.log }).append({
      type: erasureAggregate('media'),
      id: 'ann',
      command: { memberId: 'ann', requestedBy: 'admin', requestedAtMs: Date.now() },
      meta: meta('admin'),
    });
    expect(again.appended).toBe(0);
    await settled();
    expect((await rt.log.jsm.streams.info(rt.log.names.stream('media'))).state.last_seq).toBe(
      before.state.last_seq,
    );
  });

  it('leaves nothing in the clear on the streams, and every read model rebuilds to the live rows', async () => {
    for (const domain of ['chat', 'media', 'play'] as const)
      expect(found(await streamBytes(rt.log, domain), SECRETS)).toEqual([]);
    for (const name of live) {
      const before = await readModelHash(rt.db, name);
      expect(await runner.rebuild(name)).toMatchObject({ status: 'done', remaining: 0 });
      expect({ name, rows: await readModelHash(rt.db, name) }).toEqual({ name, rows: before });
    }
    expect(found(await rowsText(rt.db, schemas), SECRETS)).toEqual([]);
  });
});
