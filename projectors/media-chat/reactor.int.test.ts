// The media_chat reactor on real NATS and Postgres: deleting a message deletes the files its
// post carried (on behalf of its sender, whoever deleted the message), but not a gallery
// photo attached to it, not a file another live message still carries, and nothing twice.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaEventSchema } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { uploadFile } from '../../test/media-uploads.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { AttachedFile } from '../../writers/chat/attachments.ts';
import { type ChatWriter, createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import { chatChannelsProjection } from '../chat-channels/projection.ts';
import { chatMessagesProjection } from '../chat-messages/projection.ts';
import { MEDIA_FILES, mediaFilesProjection } from '../media-files/projection.ts';
import { PLAY_ACTIVITY_MEDIA, playActivityMediaProjection } from '../play-activity/media.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { MEDIA_CHAT, mediaChatReactor, postFromLog } from './reactor.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let media: MediaWriter;
let chat: ChatWriter;
const files = new Map<string, AttachedFile>();

const meta = (actorId = 'ann'): CommandMeta => ({
  commandId: randomUUID(),
  actorId,
  correlationId: 'test',
  now: new Date(),
});

let n = 0;
/** An upload of new bytes by `owner`, known to the chat writer's lookup once projected. */
async function uploaded(fileId: string, owner: string, kind: 'attachment' | 'photo' = 'attachment') {
  n += 1;
  const { seq, file } = await uploadFile({
    media,
    fileId,
    owner,
    n,
    kind,
    sizeBytes: 100,
    meta: meta(owner),
  });
  expect(await runner.waitFor(MEDIA_FILES, seq, 5000)).toBe(true);
  files.set(fileId, file);
}

const post = async (messageId: string, attachmentIds: string[], senderId = 'ann') =>
  chat.post({ channelId: 'g1', messageId, senderId, content: 'look', attachmentIds }, meta(senderId));

/** Deletes the message and waits until the reactor has acted on it. */
async function deleteMessage(messageId: string, by = 'ann', canModerate = false) {
  const { seq } = await chat.remove({ channelId: 'g1', messageId, by, canModerate }, meta(by));
  expect(await runner.waitFor(MEDIA_CHAT, seq, 10_000)).toBe(true);
  // What the reactor issued is on the media stream: the read models catch up with it.
  const last = (await rt.log.jsm.streams.info(rt.log.names.stream('media'))).state.last_seq;
  expect(await runner.waitFor(MEDIA_FILES, last, 5000)).toBe(true);
  expect(await runner.waitFor(PLAY_ACTIVITY_MEDIA, last, 5000)).toBe(true);
}

type Deletion = { file_id: string; deleted: boolean; shared_deleted: boolean | null };
async function state(ids: string[]): Promise<Record<string, Deletion>> {
  const { rows } = await sql<Deletion>`
    SELECT f.file_id, f.deleted_seq IS NOT NULL AS deleted, s.deleted AS shared_deleted
    FROM media_files.files f LEFT JOIN play_activity_media.shared s ON s.file_id = f.file_id
    WHERE f.file_id = ANY(${ids}::text[])`.execute(rt.db);
  return Object.fromEntries(rows.map((r) => [r.file_id, r]));
}

/** FileDeleted events on the log for this file. */
async function deletions(fileId: string): Promise<{ fileId: string; deletedBy: string }[]> {
  const stream = rt.log.names.stream('media');
  const info = await rt.log.jsm.streams.info(stream);
  const out: { fileId: string; deletedBy: string }[] = [];
  for (let seq = 1; seq <= info.state.last_seq; seq++) {
    const msg = await rt.log.jsm.direct.getMessage(stream, { seq });
    if (!msg) continue;
    const { event } = decodeEnvelope(MediaEventSchema, msg.data);
    if (event.case === 'fileDeleted' && event.value.fileId === fileId)
      out.push({ fileId, deletedBy: event.value.deletedBy });
  }
  return out;
}

beforeAll(async () => {
  rt = await openTestRuntime();
  const appender = createAppender({ log: rt.log });
  media = createMediaWriter({ appender });
  chat = createChatWriter({
    appender,
    reader: createChatReader({ log: rt.log }),
    lookupFiles: async (ids) => new Map(ids.flatMap((id) => files.get(id) ?? []).map((f) => [f.id, f])),
  });
  runner = await rt.runner([
    chatChannelsProjection,
    chatMessagesProjection,
    mediaFilesProjection,
    playActivityMediaProjection,
    mediaChatReactor({ media, findPost: postFromLog(rt.log) }),
  ] as unknown as AnyProjection[]);
  await chat.createChannel({ channelId: 'g1', name: 'Us', memberIds: ['ann', 'bob'], by: 'ann' }, meta());
});
afterAll(() => rt.cleanup());

describe('deleting a message', () => {
  it("deletes its chat attachments, in media and in play's view, but keeps a gallery photo", async () => {
    await uploaded('a1', 'ann');
    await uploaded('a2', 'ann');
    await uploaded('p1', 'ann', 'photo');
    await post('m1', ['a1', 'a2', 'p1']);
    await deleteMessage('m1');
    expect(await state(['a1', 'a2', 'p1'])).toEqual({
      a1: { file_id: 'a1', deleted: true, shared_deleted: true },
      a2: { file_id: 'a2', deleted: true, shared_deleted: true },
      p1: { file_id: 'p1', deleted: false, shared_deleted: false },
    });
    expect(await deletions('a1')).toEqual([{ fileId: 'a1', deletedBy: 'ann' }]);
  });

  it('deletes on behalf of the sender when a moderator deleted the message', async () => {
    await uploaded('a3', 'ann');
    await post('m2', ['a3']);
    await deleteMessage('m2', 'bob', true);
    expect((await state(['a3'])).a3?.deleted).toBe(true);
    expect(await deletions('a3')).toEqual([{ fileId: 'a3', deletedBy: 'ann' }]);
  });

  it('keeps a file while another live message of its owner still carries it', async () => {
    await uploaded('a4', 'ann');
    await post('m3', ['a4']);
    await post('m4', ['a4']);
    await deleteMessage('m3');
    expect((await state(['a4'])).a4?.deleted).toBe(false);
    await deleteMessage('m4');
    expect((await state(['a4'])).a4?.deleted).toBe(true);
    expect(await deletions('a4')).toHaveLength(1);
  });

  it('passes over a file its owner already deleted, and a message with no files', async () => {
    await uploaded('a5', 'ann');
    await post('m5', ['a5']);
    const row = await state(['a5']);
    expect(row.a5?.deleted).toBe(false);
    const sha = (
      await sql<{ sha256: string }>`SELECT sha256 FROM media_files.files WHERE file_id = 'a5'`.execute(rt.db)
    ).rows[0]?.sha256;
    const { seq } = await media.onBlob(
      { type: 'delete', fileId: 'a5', sha256: sha ?? '', by: 'ann', mayManage: false },
      meta(),
    );
    expect(await runner.waitFor(MEDIA_FILES, seq, 5000)).toBe(true);
    await deleteMessage('m5');
    await post('m6', []);
    await deleteMessage('m6');
    expect(await deletions('a5')).toHaveLength(1);
    // Nothing parked: the reactor moved on past both.
    const parked = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM hearth.dead_letters WHERE read_model = ${MEDIA_CHAT}`.execute(rt.db);
    expect(parked.rows[0]?.n).toBe(0);
  });
});
