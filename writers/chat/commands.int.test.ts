import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { type CommandMeta, createAppender } from '../log/append.ts';
import { type Log, openLog } from '../log/open.ts';
import { type ChatWriter, createChatWriter } from './commands.ts';
import { FAMILY_CHANNEL_ID, newId } from './ids.ts';
import { createChatReader } from './load.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;
let edgeA: ChatWriter;
let edgeB: ChatWriter;
const meta = (actorId = 'ann', commandId: string = randomUUID()): CommandMeta => ({
  commandId,
  actorId,
  correlationId: 'test',
  now: new Date(),
});
const writerFor = () => {
  // Each "edge process" has its own appender and reader caches.
  const appender = createAppender({ log });
  return createChatWriter({ appender, reader: createChatReader({ log }) });
};

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
  edgeA = writerFor();
  edgeB = writerFor();
  for (const user of ['ann', 'bob', 'cat']) await edgeA.joinFamily(user, meta(''));
});
afterAll(() => services.cleanup());

const post = (w: ChatWriter, senderId: string, channelId: string, content: string, messageId = newId()) =>
  w.post({ channelId, messageId, senderId, content }, meta(senderId));

describe('posting into a channel', () => {
  it('lets members of the family channel post, from any edge, without serialising them', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i % 2 ? edgeA : edgeB, i % 2 ? 'ann' : 'bob', FAMILY_CHANNEL_ID, `m${i}`),
      ),
    );
    expect(results.every((r) => r.appended === 1)).toBe(true);
    expect(new Set(results.map((r) => r.seq)).size).toBe(20);
  });

  it('refuses someone who is not a member', async () => {
    await edgeA.createChannel({ channelId: 'trip', name: 'Trip', memberIds: ['bob'], by: 'ann' }, meta());
    await expect(post(edgeA, 'cat', 'trip', 'let me in')).rejects.toMatchObject({
      code: 'chat.not_a_member',
    });
  });

  it('sees a removal made through another edge at once', async () => {
    await edgeA.createChannel({ channelId: 'club', name: 'Club', memberIds: ['bob'], by: 'ann' }, meta());
    await post(edgeA, 'bob', 'club', 'hi'); // edge A has now cached the channel with bob in it
    await edgeB.removeMember({ channelId: 'club', userId: 'bob', by: 'ann', canModerate: false }, meta());
    await expect(post(edgeA, 'bob', 'club', 'still here?')).rejects.toMatchObject({
      code: 'chat.not_a_member',
    });
  });

  it('gives one message for a post retried with the same message id', async () => {
    const id = newId();
    const first = await post(edgeA, 'ann', FAMILY_CHANNEL_ID, 'once', id);
    const again = await post(edgeB, 'ann', FAMILY_CHANNEL_ID, 'once', id);
    expect(again).toMatchObject({ seq: first.seq, appended: 0 });
    await expect(post(edgeB, 'bob', FAMILY_CHANNEL_ID, 'mine now', id)).rejects.toMatchObject({
      code: 'chat.message_id_taken',
    });
  });

  it('answers a resend with the same command id as the socket sends it, and refuses other text', async () => {
    // The socket path: a deterministic command id (the server deduplicates it) and no ledger.
    const id = newId();
    const resend = (w: ChatWriter, content: string) =>
      w.post(
        { channelId: FAMILY_CHANNEL_ID, messageId: id, senderId: 'ann', content },
        { ...meta('ann', `ann:chat-post:family:${id}`), retryable: false },
      );
    const first = await resend(edgeA, 'once');
    expect(first.appended).toBe(1);
    expect(await resend(edgeB, 'once')).toMatchObject({ seq: first.seq, appended: 0 });
    await expect(resend(writerFor(), 'twice')).rejects.toMatchObject({
      code: 'chat.message_id_taken',
    });
  });

  it('refuses ids that cannot name an aggregate as not found', async () => {
    await expect(post(edgeA, 'ann', 'no.such', 'x')).rejects.toMatchObject({
      code: 'chat.channel_not_found',
    });
    await expect(
      edgeA.edit({ channelId: FAMILY_CHANNEL_ID, messageId: '*', by: 'ann', content: 'x' }, meta()),
    ).rejects.toMatchObject({ code: 'chat.message_not_found' });
  });
});

describe('changing a message', () => {
  it('edits, reacts and deletes with the author and state checked', async () => {
    const id = newId();
    await post(edgeA, 'ann', FAMILY_CHANNEL_ID, 'draft', id);
    const on = { channelId: FAMILY_CHANNEL_ID, messageId: id };
    await expect(edgeB.edit({ ...on, by: 'bob', content: 'mine' }, meta('bob'))).rejects.toMatchObject({
      code: 'chat.not_author',
    });
    expect((await edgeB.edit({ ...on, by: 'ann', content: 'final' }, meta())).appended).toBe(1);
    expect((await edgeA.react({ ...on, by: 'bob', emoji: '🎉', on: true }, meta('bob'))).appended).toBe(1);
    expect((await edgeB.remove({ ...on, by: 'ann', canModerate: false }, meta())).appended).toBe(1);
    // Edge A decided on its cached state first: the lost race reads as a conflict, with the reason.
    await expect(edgeA.edit({ ...on, by: 'ann', content: 'back' }, meta())).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'chat.message_deleted' },
    });
    await expect(edgeB.edit({ ...on, by: 'ann', content: 'back' }, meta())).rejects.toMatchObject({
      code: 'chat.message_deleted',
    });
  });

  it('replies only to a message of the same channel', async () => {
    const target = newId();
    await post(edgeA, 'ann', FAMILY_CHANNEL_ID, 'question?', target);
    const reply = await edgeB.post(
      {
        channelId: FAMILY_CHANNEL_ID,
        messageId: newId(),
        senderId: 'bob',
        content: 'yes',
        replyToId: target,
      },
      meta('bob'),
    );
    expect(reply.appended).toBe(1);
    await expect(
      edgeB.post(
        { channelId: 'trip', messageId: newId(), senderId: 'bob', content: 'yes', replyToId: target },
        meta('bob'),
      ),
    ).rejects.toMatchObject({ code: 'chat.reply_target_not_found' });
  });
});

describe('direct messages', () => {
  it('opens one channel for two people, whoever opens it', async () => {
    const a = await edgeA.openDm({ with: 'bob', by: 'ann' }, meta());
    const b = await edgeB.openDm({ with: 'ann', by: 'bob' }, meta('bob'));
    expect(b.channelId).toBe(a.channelId);
    expect(a.appended).toBe(3);
    expect(b.appended).toBe(0);
  });
});

describe('read watermarks', () => {
  it('only move forward', async () => {
    const m = (upToSeq: number) =>
      edgeA.markRead({ channelId: FAMILY_CHANNEL_ID, userId: 'cat', upToSeq }, meta('cat'));
    expect((await m(10)).appended).toBe(1);
    expect((await m(5)).appended).toBe(0);
  });
});
