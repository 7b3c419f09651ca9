// The chat follower on real NATS: an event sealed under a key this process has not loaded yet
// (made by another process a moment ago) waits for the key and is decoded then, never skipped;
// a member's erasure reaches the fan-out as an event about no channel, and makes no frame.
import { randomBytes, randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Kvm } from '@nats-io/kv';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEventSchema, MessagePostedSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { testNats } from '../../test/services.ts';
import { createAppender } from '../../writers/log/append.ts';
import { encode, eventHeaders } from '../../writers/log/encode.ts';
import { erasureAggregate } from '../../writers/log/erasure.ts';
import { type Log, openLog } from '../../writers/log/open.ts';
import { type ChatStored, followChat } from './follow.ts';
import { frameFor } from './frames.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
});
afterAll(() => nats.cleanup());

describe('the chat follower', () => {
  it('waits for a key made elsewhere, and fans the event out in its place', async () => {
    const seen: ChatStored[] = [];
    const followed = await followChat({
      log,
      logger: pino({ level: 'silent' }),
      onEvent: (e) => seen.push(e),
    });
    try {
      // Another process's key: in the bucket only once it is put, never loaded here before.
      const keyId = randomUUID();
      const key = new Uint8Array(randomBytes(32));
      const theirs = { sealingKey: () => ({ id: keyId, key }) };
      const meta = { actorId: 'zoe', correlationId: 'follow', now: new Date() };
      const posted = (messageId: string, content: string, senderId = 'zoe') => ({
        case: 'messagePosted' as const,
        value: create(MessagePostedSchema, { channelId: 'family', messageId, senderId, content }),
      });
      const first = posted('m1', 'sealed elsewhere');
      await log.js.publish(
        log.names.chat.message('family', 'm1'),
        encode(ChatEventSchema, first, meta, theirs),
        {
          headers: eventHeaders(first, meta),
        },
      );
      await log.keys.ready(['ann']);
      const second = posted('m2', 'after it', 'ann');
      await log.js.publish(
        log.names.chat.message('family', 'm2'),
        encode(ChatEventSchema, second, meta, log.keys),
        {
          headers: eventHeaders(second, meta),
        },
      );
      const kv = await new Kvm(log.js).open(log.names.kvBucket('keys'));
      await kv.put(`k.${keyId}`, key);
      const erased = await createAppender({ log }).append({
        type: erasureAggregate('chat'),
        id: 'bob',
        command: { memberId: 'bob', requestedBy: 'admin', requestedAtMs: Date.now() },
        meta: { ...meta, commandId: randomUUID() },
      });
      for (let i = 0; i < 200 && !seen.some((e) => e.seq === erased.seq); i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(seen.map((e) => e.event.case)).toEqual(['messagePosted', 'messagePosted', 'memberErased']);
      expect(seen.map((e) => (e.event.case === 'messagePosted' ? e.event.value.content : ''))).toEqual([
        'sealed elsewhere',
        'after it',
        '',
      ]);
      expect(frameFor(seen[2] as ChatStored)).toBeNull();
    } finally {
      await followed.stop();
    }
  });
});
