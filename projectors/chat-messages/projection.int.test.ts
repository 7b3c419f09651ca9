import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../writers/chat/ids.ts';
import { type ChatHarness, startChatHarness } from './harness.fixture.ts';
import { findMessage, history, mentionsOf } from './queries.ts';

let h: ChatHarness;
beforeAll(async () => {
  h = await startChatHarness();
  for (const u of ['ann', 'bob']) await h.chat.joinFamily(u, h.meta(''));
});
afterAll(() => h.stop());

const post = async (
  senderId: string,
  content: string,
  extra: { replyToId?: string; mentionIds?: string[] } = {},
) => {
  const messageId = newId();
  const r = await h.chat.post(
    { channelId: 'family', messageId, senderId, content, ...extra },
    h.meta(senderId),
  );
  return { id: messageId, seq: r.seq };
};

describe('the message history', () => {
  it('records a post with its sequence, reply and mentions', async () => {
    const first = await post('ann', 'Dinner at 7?');
    const reply = await post('bob', '@ann yes', { replyToId: first.id, mentionIds: ['ann', 'ghost'] });
    await h.settled(reply.seq);
    expect(await findMessage(h.db, 'family', reply.id)).toMatchObject({
      id: reply.id,
      content: '@ann yes',
      sender_id: 'bob',
      channel_id: 'family',
      seq: reply.seq,
      reply_to: first.id,
      mentions: ['ann'],
      deleted: false,
      edited_at: null,
    });
    expect((await mentionsOf(h.db, 'ann', 10)).map((m) => m.id)).toEqual([reply.id]);
  });

  it('folds edits and reactions into the row', async () => {
    const m = await post('ann', 'draft');
    const on = { channelId: 'family', messageId: m.id };
    await h.chat.edit({ ...on, by: 'ann', content: 'final' }, h.meta());
    await h.chat.react({ ...on, by: 'bob', emoji: '👍', on: true }, h.meta('bob'));
    await h.chat.react({ ...on, by: 'ann', emoji: '👍', on: true }, h.meta());
    await h.chat.react({ ...on, by: 'ann', emoji: '🎉', on: true }, h.meta());
    const last = await h.chat.react({ ...on, by: 'ann', emoji: '🎉', on: false }, h.meta());
    await h.settled(last.seq);
    const row = await findMessage(h.db, 'family', m.id);
    expect(row).toMatchObject({ content: 'final', reactions: { '👍': ['bob', 'ann'] } });
    expect(row?.edited_at).not.toBeNull();
  });

  it('keeps a tombstone without the text when a message is deleted', async () => {
    const m = await post('bob', 'oops, wrong chat', { mentionIds: ['ann'] });
    const del = await h.chat.remove(
      { channelId: 'family', messageId: m.id, by: 'bob', canModerate: false },
      h.meta('bob'),
    );
    await h.settled(del.seq);
    expect(await findMessage(h.db, 'family', m.id)).toMatchObject({
      content: '',
      mentions: [],
      reactions: {},
      deleted: true,
      seq: m.seq,
    });
  });

  it('pages back in time: the most recent before a point, returned oldest first', async () => {
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await post('ann', `page ${i}`));
    await h.settled((sent.at(-1) as { seq: number }).seq);
    const latest = await history(h.db, {
      channelId: 'family',
      before: new Date(Date.now() + 1000),
      limit: 2,
    });
    expect(latest.map((m) => m.content)).toEqual(['page 3', 'page 4']);
    const older = await history(h.db, {
      channelId: 'family',
      before: new Date(Date.now() + 1000),
      beforeSeq: latest[0]?.seq,
      limit: 2,
    });
    expect(older.map((m) => m.content)).toEqual(['page 1', 'page 2']);
    const none = await history(h.db, { channelId: 'family', before: new Date(0), limit: 10 });
    expect(none).toEqual([]);
  });

  it('rebuilds from the log into the same rows', async () => {
    const before = await history(h.db, {
      channelId: 'family',
      before: new Date(Date.now() + 1000),
      limit: 100,
    });
    expect(await h.runner.rebuild('chat_messages')).toMatchObject({ status: 'done', remaining: 0 });
    expect(
      await history(h.db, { channelId: 'family', before: new Date(Date.now() + 1000), limit: 100 }),
    ).toEqual(before);
  });
});
