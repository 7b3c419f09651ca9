import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatEvent, ChatEventSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { ev, file } from '../../writers/chat/events.fixture.ts';
import { newId } from '../../writers/chat/ids.ts';
import type { ChatEventBody } from '../../writers/chat/state.ts';
import { encode, eventHeaders } from '../../writers/log/encode.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { type ChatHarness, startChatHarness } from './harness.fixture.ts';
import { chatMessagesProjection } from './projection.ts';
import { findMessage, history, mentionsOf } from './queries.ts';
import type { ChatMessagesDB } from './tables.ts';

let h: ChatHarness;
beforeAll(async () => {
  h = await startChatHarness();
  for (const u of ['ann', 'bob']) await h.chat.joinFamily(u, h.meta(''));
});
afterAll(() => h.stop());

const post = async (
  senderId: string,
  content: string,
  extra: { replyToId?: string; mentionIds?: string[]; attachmentIds?: string[] } = {},
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

  it('records the attachments’ snapshots in order, and shows them with their links', async () => {
    h.files.set('p1', file('p1'));
    h.files.set(
      'd1',
      file('d1', {
        contentType: 'application/pdf',
        fileName: 'menu.pdf',
        width: null,
        height: null,
        hasThumbnail: false,
      }),
    );
    const m = await post('ann', '', { attachmentIds: ['d1', 'p1'] });
    const plain = await post('ann', 'no files');
    await h.settled(plain.seq);
    expect((await findMessage(h.db, 'family', m.id))?.attachments).toEqual([
      {
        id: 'd1',
        url: '/api/v1/files/d1/download',
        thumbnail_url: '',
        content_type: 'application/pdf',
        file_name: 'menu.pdf',
        size_bytes: 123_456,
        width: null,
        height: null,
      },
      {
        id: 'p1',
        url: '/api/v1/files/p1/download',
        thumbnail_url: '/api/v1/files/p1/download?thumb=1',
        content_type: 'image/jpeg',
        file_name: 'p1.jpg',
        size_bytes: 123_456,
        width: 640,
        height: 480,
      },
    ]);
    expect(await findMessage(h.db, 'family', plain.id)).toMatchObject({
      content: 'no files',
      attachments: [],
    });
  });

  it('keeps the attachments through an edit, and none in a tombstone', async () => {
    h.files.set('p2', file('p2'));
    const m = await post('ann', 'caption', { attachmentIds: ['p2'] });
    const on = { channelId: 'family', messageId: m.id };
    const edited = await h.chat.edit({ ...on, by: 'ann', content: 'better caption' }, h.meta());
    await h.settled(edited.seq);
    expect((await findMessage(h.db, 'family', m.id))?.attachments.map((a) => a.id)).toEqual(['p2']);
    const del = await h.chat.remove({ ...on, by: 'ann', canModerate: false }, h.meta());
    await h.settled(del.seq);
    expect(await findMessage(h.db, 'family', m.id)).toMatchObject({ deleted: true, attachments: [] });
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

// The live worker sends a batch of posts as one statement (batchStatement); apply serves
// everything else, rebuilds and failing batches. Both must leave the same rows.
describe('a batch of posts as one statement', () => {
  const at = new Date('2030-01-01T00:00:00Z');
  const stored = (seq: number, event: ChatEventBody): StoredEvent<ChatEvent> =>
    ({
      stream: 'CHAT',
      seq,
      subject: 's',
      type: '',
      occurredAt: new Date(at.getTime() + seq),
      actorId: '',
      event,
    }) as StoredEvent<ChatEvent>;
  /** The table after `write`, in a transaction rolled back afterwards. */
  const rowsAfter = async (write: (db: Kysely<ChatMessagesDB>) => Promise<void>) => {
    let rows: unknown[] = [];
    const rollback = new Error('rollback');
    await h.db
      .transaction()
      .execute(async (tx) => {
        await write(tx.withSchema('chat_messages') as unknown as Kysely<ChatMessagesDB>);
        rows = (await sql`SELECT * FROM chat_messages.messages ORDER BY channel_id, id`.execute(tx)).rows;
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    return rows;
  };
  const ctx = (db: Kysely<ChatMessagesDB>) => ({ db, schema: 'chat_messages', rebuilding: false });

  it('leaves the same rows as apply, for random posts', async () => {
    // An existing message, posted again (a redelivery), must be overwritten the same way.
    const existing = await post('ann', 'already here', { mentionIds: ['bob'] });
    await h.settled(existing.seq);
    let x = 7;
    const r = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const ids = [existing.id, ...Array.from({ length: 30 }, () => newId())];
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
    for (let round = 0; round < 5; round++) {
      const events: StoredEvent<ChatEvent>[] = [];
      const size = 1 + Math.floor(r() * 40);
      for (let i = 0; i < size; i++) {
        // Some ids repeat within the batch: the last post of a message wins.
        const mentions = r() < 0.3 ? [pick(['ann', 'bob', 'cat'])] : [];
        const reply = r() < 0.2 ? { replyToId: pick(ids) } : {};
        const files =
          r() < 0.3
            ? { attachments: [file(`f${i}`), file(`g${i}`, { width: null, hasThumbnail: false })] }
            : {};
        const body = ev.posted(
          pick(['family', 'trip']),
          pick(ids),
          pick(['ann', 'bob']),
          `m${round}-${i} ✓`,
          {
            mentionIds: mentions,
            ...reply,
            ...files,
          },
        );
        events.push(stored(2_000_000 + round * 100 + i, body));
      }
      // Events this read model ignores do not stop a batch from being one statement.
      events.push(stored(2_000_099 + round * 100, ev.read('family', 'ann', 1)));
      const byApply = await rowsAfter((db) => chatMessagesProjection.apply(events, ctx(db)));
      const byStatement = await rowsAfter(async (db) => {
        const statement = chatMessagesProjection.batchStatement?.(events, ctx(db));
        if (!statement) throw new Error('a batch of posts is one statement');
        await db.executeQuery(statement);
      });
      expect(byStatement).toEqual(byApply);
      expect(byStatement.length).toBeGreaterThan(1);
    }
  });

  it('is nothing to write without posts, and apply for edits, deletions and reactions', async () => {
    const bs = chatMessagesProjection.batchStatement;
    await h.db.transaction().execute(async (tx) => {
      const c = ctx(tx.withSchema('chat_messages') as unknown as Kysely<ChatMessagesDB>);
      expect(
        bs?.([stored(1, ev.joined('family', 'ann')), stored(2, ev.read('family', 'ann', 1))], c),
      ).toBeNull();
      for (const other of [
        ev.edited('family', 'm', 'ann', 'x'),
        ev.deleted('family', 'm', 'ann'),
        ev.reacted('family', 'm', 'ann', '👍'),
        ev.unreacted('family', 'm', 'ann', '👍'),
      ])
        expect(bs?.([stored(1, ev.posted('family', 'm', 'ann')), stored(2, other)], c)).toBeUndefined();
    });
  });

  it('a mixed batch on the live worker still folds over the stored rows', async () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const bodies = [
      ev.posted('family', a, 'ann', 'first'),
      ev.posted('family', b, 'bob', 'second'),
      ev.edited('family', a, 'ann', 'first, edited'),
      ev.reacted('family', b, 'ann', '👍'),
      ev.posted('family', c, 'bob', 'third', { mentionIds: ['ann'] }),
      ev.deleted('family', c, 'bob'),
      ev.posted('family', newId(), 'ann', 'fourth'),
    ];
    // Published without waiting in between: the worker takes them in as few batches as it can.
    const meta = { actorId: 'ann', correlationId: 'test', now: new Date() };
    // The writers seal the senders' words under their keys: so does this test.
    await h.log.keys.ready(['ann', 'bob']);
    const acks = await Promise.all(
      bodies.map((body) => {
        const on = body.value as { channelId: string; messageId: string };
        return h.log.js.publish(
          h.log.names.chat.message(on.channelId, on.messageId),
          encode(ChatEventSchema, body as never, meta, h.log.keys),
          { headers: eventHeaders(body, meta) },
        );
      }),
    );
    await h.settled(Math.max(...acks.map((k) => k.seq)));
    expect(await findMessage(h.db, 'family', a)).toMatchObject({ content: 'first, edited', erased: false });
    expect(await findMessage(h.db, 'family', b)).toMatchObject({
      content: 'second',
      reactions: { '👍': ['ann'] },
    });
    expect(await findMessage(h.db, 'family', c)).toMatchObject({ content: '', deleted: true, mentions: [] });
  });
});
