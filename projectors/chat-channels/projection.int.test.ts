import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { publishIdentity, registered } from '../../test/events.ts';
import { ev } from '../../writers/chat/events.fixture.ts';
import { newId } from '../../writers/chat/ids.ts';
import { type ChatHarness, startChatHarness } from '../chat-messages/harness.fixture.ts';
import type { StoredEvent } from '../runtime/types.ts';
import { chatChannelsProjection } from './projection.ts';
import { channelDetail, channelsOf } from './queries.ts';
import type { ChatChannelsDB } from './tables.ts';

let h: ChatHarness;
beforeAll(async () => {
  h = await startChatHarness();
});
afterAll(() => h.stop());

const post = async (senderId: string, channelId = 'family', content = 'hi') => {
  const id = newId();
  const r = await h.chat.post({ channelId, messageId: id, senderId, content }, h.meta(senderId));
  return { id, seq: r.seq };
};
const unread = async (userId: string, channelId = 'family') =>
  (await channelsOf(h.db, userId)).find((c) => c.id === channelId)?.unread;

describe('the family channel', () => {
  it('takes in everyone who registers, once', async () => {
    for (const u of ['ann', 'bob', 'cat']) await publishIdentity(h.log, registered(u));
    const seq = await publishIdentity(h.log, registered('ann')); // a replayed registration
    expect(await h.runner.waitFor('chat_family', seq, 5000)).toBe(true);
    const last = (await h.log.jsm.streams.info(h.log.names.stream('chat'))).state.last_seq;
    await h.settled(last);
    const family = await channelDetail(h.db, 'family');
    expect(family).toMatchObject({ kind: 'family', name: 'Family', archived: false });
    expect(family?.members.map((m) => m.user_id)).toEqual(['ann', 'bob', 'cat']);
  });
});

describe('unread counts', () => {
  it('count messages after the watermark, not one’s own, not deleted ones', async () => {
    await post('bob');
    const second = await post('bob');
    const third = await post('cat');
    const gone = await post('cat');
    const del = await h.chat.remove(
      { channelId: 'family', messageId: gone.id, by: 'cat', canModerate: false },
      h.meta('cat'),
    );
    await h.settled(del.seq);
    expect(await unread('ann')).toBe(3);
    expect(await unread('bob')).toBe(1); // his own do not count, nor cat's deleted one
    const read = await h.chat.markRead({ channelId: 'family', userId: 'ann', upToSeq: second.seq }, h.meta());
    await h.settled(read.seq);
    expect(await unread('ann')).toBe(1);
    expect(third.seq).toBeGreaterThan(second.seq);
  });

  it('clears when the reader posts', async () => {
    const mine = await post('ann');
    await h.settled(mine.seq);
    expect(await unread('ann')).toBe(0);
    const detail = await channelDetail(h.db, 'family');
    expect(detail?.members.find((m) => m.user_id === 'ann')?.read_seq).toBe(mine.seq);
  });

  it('starts at zero for someone who joins later', async () => {
    const created = await h.chat.createChannel(
      { channelId: 'trip', name: 'Trip', memberIds: ['bob'], by: 'ann' },
      h.meta(),
    );
    await post('bob', 'trip');
    const joined = await h.chat.invite(
      { channelId: 'trip', userId: 'cat', by: 'ann', canModerate: false },
      h.meta(),
    );
    await h.settled(joined.seq);
    expect(created.appended).toBe(3);
    expect(await unread('cat', 'trip')).toBe(0);
    expect(await unread('ann', 'trip')).toBe(1);
  });
});

describe('membership', () => {
  it('lists only the channels someone is in, and forgets a channel they left', async () => {
    const left = await h.chat.removeMember(
      { channelId: 'trip', userId: 'bob', by: 'bob', canModerate: false },
      h.meta('bob'),
    );
    await h.settled(left.seq);
    expect((await channelsOf(h.db, 'bob')).map((c) => c.id)).toEqual(['family']);
    expect((await channelDetail(h.db, 'trip'))?.members.map((m) => m.user_id)).toEqual(['ann', 'cat']);
  });

  it('marks an archived channel', async () => {
    const archived = await h.chat.archive({ channelId: 'trip', by: 'ann', canModerate: false }, h.meta());
    await h.settled(archived.seq);
    expect((await channelsOf(h.db, 'ann')).find((c) => c.id === 'trip')).toMatchObject({ archived: true });
  });

  it('rebuilds from the log into the same badges and members', async () => {
    const before = await channelsOf(h.db, 'ann');
    expect(await h.runner.rebuild('chat_channels')).toMatchObject({ status: 'done' });
    expect(await channelsOf(h.db, 'ann')).toEqual(before);
  });
});

describe('a batch of posts only', () => {
  // Applied straight to the live tables inside a transaction that is rolled back afterwards.
  const applyRolledBack = async (
    events: StoredEvent<ChatEvent>[],
    check: (db: Kysely<unknown>) => Promise<void>,
  ) => {
    const rollback = new Error('rollback');
    await h.db
      .transaction()
      .execute(async (tx) => {
        const db = tx.withSchema('chat_channels') as unknown as Kysely<ChatChannelsDB>;
        await chatChannelsProjection.apply(events, { db, schema: 'chat_channels', rebuilding: false });
        await check(tx);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
  };
  const at = new Date('2030-01-01T00:00:00Z');
  const stored = (seq: number, event: ReturnType<(typeof ev)['posted']>): StoredEvent<ChatEvent> =>
    ({
      stream: 'CHAT',
      seq,
      subject: 's',
      type: '',
      occurredAt: at,
      actorId: '',
      event,
    }) as StoredEvent<ChatEvent>;
  const readSeq = async (db: Kysely<unknown>, channelId: string, userId: string) =>
    (await channelDetail(db, channelId))?.members.find((m) => m.user_id === userId)?.read_seq;

  it('moves the channel and the sender by one statement', async () => {
    await applyRolledBack([stored(1_000_001, ev.posted('family', 'x1', 'ann'))], async (db) => {
      expect(await channelDetail(db, 'family')).toMatchObject({
        last_seq: 1_000_001,
        last_message_at: at.toISOString(),
      });
      expect(await readSeq(db, 'family', 'ann')).toBe(1_000_001);
    });
  });

  it('moves every channel to its newest post and every sender to their own newest', async () => {
    const events = [
      stored(1_000_001, ev.posted('family', 'y1', 'ann')),
      stored(1_000_002, ev.posted('trip', 'y2', 'cat')),
      stored(1_000_003, ev.posted('family', 'y3', 'cat')),
      stored(1_000_004, ev.posted('family', 'y4', 'ann')),
      stored(1_000_005, ev.posted('family', 'y5', 'nobody')), // not a member: no row appears
    ];
    await applyRolledBack(events, async (db) => {
      expect((await channelDetail(db, 'family'))?.last_seq).toBe(1_000_005);
      expect((await channelDetail(db, 'trip'))?.last_seq).toBe(1_000_002);
      expect(await readSeq(db, 'family', 'ann')).toBe(1_000_004);
      expect(await readSeq(db, 'family', 'cat')).toBe(1_000_003);
      expect(await readSeq(db, 'trip', 'cat')).toBe(1_000_002);
      expect(await readSeq(db, 'family', 'nobody')).toBeUndefined();
    });
  });
  // The live worker sends such a batch as one statement (batchStatement): the same effect.
  it('is one statement with the same effect as apply, whatever the batch', async () => {
    const snapshot = async (db: Kysely<unknown>) => ({
      channels: (await sql`SELECT * FROM chat_channels.channels ORDER BY id`.execute(db)).rows,
      members: (await sql`SELECT * FROM chat_channels.members ORDER BY channel_id, user_id`.execute(db)).rows,
    });
    const byStatement = async (events: StoredEvent<ChatEvent>[]) => {
      let after: unknown;
      const rollback = new Error('rollback');
      await h.db
        .transaction()
        .execute(async (tx) => {
          const db = tx.withSchema('chat_channels') as unknown as Kysely<ChatChannelsDB>;
          const statement = chatChannelsProjection.batchStatement?.(events, {
            db,
            schema: 'chat_channels',
            rebuilding: false,
          });
          if (!statement) throw new Error('a batch of posts is one statement');
          await tx.executeQuery(statement);
          after = await snapshot(tx);
          throw rollback;
        })
        .catch((err: unknown) => {
          if (err !== rollback) throw err;
        });
      return after;
    };
    let x = 11;
    const r = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
    for (const size of [1, 2, 3, 7, 25]) {
      const events = Array.from({ length: size }, (_, i) =>
        stored(
          1_000_001 + i,
          r() < 0.8
            ? ev.posted(pick(['family', 'trip', 'none']), `z${i}`, pick(['ann', 'bob', 'cat', 'nobody']))
            : ev.reacted('family', 'z0', 'ann', '👍'), // ignored here: still one statement
        ),
      );
      events.push(stored(1_000_001 + size, ev.posted('family', 'z', 'cat')));
      let byApply: unknown;
      await applyRolledBack(events, async (db) => {
        byApply = await snapshot(db);
      });
      expect(await byStatement(events)).toEqual(byApply);
    }
  });

  it('leaves everything but posts to apply, and has nothing to write without posts', () => {
    const bs = chatChannelsProjection.batchStatement;
    const c = { db: h.db as Kysely<ChatChannelsDB>, schema: 'chat_channels', rebuilding: false };
    expect(bs?.([stored(1, ev.reacted('family', 'm', 'ann', '👍'))], c)).toBeNull();
    for (const other of [
      ev.created('x'),
      ev.joined('family', 'ann'),
      ev.left('family', 'ann'),
      ev.archived('x'),
      ev.read('family', 'ann', 1),
    ])
      expect(bs?.([stored(1, ev.posted('family', 'm', 'ann')), stored(2, other)], c)).toBeUndefined();
  });

  it('a mixed batch on the live worker still folds membership and posts', async () => {
    await h.chat.createChannel({ channelId: 'mix', name: 'Mix', memberIds: ['bob'], by: 'ann' }, h.meta());
    // Sent without waiting in between, so the worker is likely to take them in one batch.
    const [joined, posted, read] = await Promise.all([
      h.chat.invite({ channelId: 'mix', userId: 'dan', by: 'ann', canModerate: false }, h.meta()),
      post('bob', 'mix'),
      h.chat.markRead({ channelId: 'mix', userId: 'ann', upToSeq: 1 }, h.meta()),
    ]);
    const dan = await post('dan', 'mix');
    await h.settled(Math.max(joined.seq, posted.seq, read.seq, dan.seq));
    expect(await readSeq(h.db, 'mix', 'dan')).toBe(dan.seq);
    expect(await readSeq(h.db, 'mix', 'bob')).toBe(posted.seq);
    expect((await channelDetail(h.db, 'mix'))?.last_seq).toBe(dan.seq);
  });
});
