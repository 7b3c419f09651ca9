// Personal fields on a real stream: sealed under the owner's key, opened for every reader, and
// unreadable for good once the key is destroyed, while the stored bytes stay as they were.
import { create, getOption, hasOption, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '../../contracts/events.ts';
import { ENVELOPES } from '../../contracts/events.ts';
import {
  AttachmentSchema,
  type ChatEvent,
  ChatEventSchema,
  MessagePostedSchema,
} from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { audit_shown } from '../../contracts/gen/hearth/common/v1/audit_pb.ts';
import { personal } from '../../contracts/gen/hearth/common/v1/personal_pb.ts';
import {
  IdentityEventSchema,
  ProfileUpdatedSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { DOMAINS } from '../../contracts/subjects.ts';
import { testNats } from '../../test/services.ts';
import { decodeEvent, type RawMessage } from './decode.ts';
import { encode, eventDesc } from './encode.ts';
import { fetchKey, KeyPending, openingKey } from './keys.ts';
import { type Log, openLog } from './open.ts';
import { personalFields, personalOwner } from './seal.ts';

let services: Awaited<ReturnType<typeof testNats>>;
let log: Log;

beforeAll(async () => {
  services = await testNats();
  log = await openLog({ nc: services.nc, names: services.names });
});
afterAll(() => services.cleanup());

const meta = (actorId: string) => ({ actorId, correlationId: 'test', now: new Date() });

const posted = (
  senderId: string,
  content: string,
): Extract<EventOf<ChatEvent>, { case: 'messagePosted' }> => ({
  case: 'messagePosted',
  value: create(MessagePostedSchema, {
    channelId: 'family',
    messageId: `m-${content.length}-${senderId}`,
    senderId,
    content,
    mentionIds: ['bob'],
    attachments: [
      create(AttachmentSchema, { fileId: 'f1', fileName: 'beach-with-ann.jpg', sizeBytes: 12n, width: 4 }),
      create(AttachmentSchema, { fileId: 'f2', fileName: 'report card.pdf', sizeBytes: 9n }),
    ],
  }),
});

/** Publishes as the appender does (keys made ready first) and reads the message back. */
async function roundTrip(event: EventOf<ChatEvent>, owner: string): Promise<RawMessage> {
  if (owner) await log.keys.ready([owner]);
  const subject = log.names.chat.message('family', event.value.$typeName.length.toString());
  const ack = await log.js.publish(subject, encode(ChatEventSchema, event, meta(owner), log.keys));
  const stored = await log.jsm.streams.getMessage(log.names.stream('chat'), { seq: ack.seq });
  return { seq: ack.seq, subject, data: (stored as { data: Uint8Array }).data };
}

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text));

describe('sealing personal fields', () => {
  it('keeps message text and file names off the stream, and every reader gets them back', async () => {
    const event = posted('ann', 'the spare key is under the blue pot');
    const before = toBinary(MessagePostedSchema, event.value);
    const raw = await roundTrip(event, 'ann');
    expect(contains(raw.data, 'blue pot')).toBe(false);
    expect(contains(raw.data, 'beach-with-ann')).toBe(false);
    // The caller's event is left as it was.
    expect(toBinary(MessagePostedSchema, event.value)).toEqual(before);
    const back = decodeEvent('chat', 'CHAT', raw);
    expect(back.erased).toBeUndefined();
    expect(back.event.value).toEqual(event.value);
  });

  it('leaves a line Hearth itself posted (no owner) in the clear', async () => {
    const raw = await roundTrip(posted('', 'Ann joined as child'), '');
    expect(contains(raw.data, 'Ann joined as child')).toBe(true);
    expect(decodeEvent('chat', 'CHAT', raw).event.value).toMatchObject({ content: 'Ann joined as child' });
  });

  it('keeps an optional field unset when it was unset', async () => {
    await log.keys.ready(['cid']);
    const event = {
      case: 'profileUpdated' as const,
      value: create(ProfileUpdatedSchema, { userId: 'cid', name: 'Cid' }),
    };
    const data = encode(IdentityEventSchema, event, meta('cid'), log.keys);
    expect(contains(data, 'Cid')).toBe(false);
    const back = decodeEvent('identity', 'IDENTITY', { seq: 1, subject: 's', data });
    expect(back.event.value).toMatchObject({ name: 'Cid' });
    expect((back.event.value as { image?: string }).image).toBeUndefined();
  });

  it('refuses to encode a personal field without the keys, rather than write it in the clear', () => {
    expect(() => encode(ChatEventSchema, posted('ann', 'hello'), meta('ann'))).toThrow(/personal fields/);
  });

  it('refuses a box whose bytes were altered (a poison event, never a silent blank)', async () => {
    const raw = await roundTrip(posted('ann', 'altered later'), 'ann');
    const data = new Uint8Array(raw.data);
    data[data.length - 40] = (data[data.length - 40] ?? 0) ^ 0xff;
    expect(() => decodeEvent('chat', 'CHAT', { ...raw, data })).toThrow();
  });
});

describe('erasing a member', () => {
  it('makes everything sealed for them unreadable, keeps ids, and writes nothing new in the clear', async () => {
    const raw = await roundTrip(posted('dot', 'my password is hunter2'), 'dot');
    const key = openingKey(
      log.keys.sealingKey('dot') !== 'erased' ? (log.keys.sealingKey('dot') as { id: string }).id : '',
    );
    expect(key).not.toBeNull();
    await log.keys.erase('dot');
    expect(await log.keys.isErased('dot')).toBe(true);
    const back = decodeEvent('chat', 'CHAT', raw);
    expect(back.erased).toBe(true);
    expect(back.event.value).toMatchObject({ senderId: 'dot', content: '', mentionIds: ['bob'] });
    const attachments = (
      back.event.value as unknown as { attachments: { fileId: string; fileName: string }[] }
    ).attachments;
    expect(attachments.map((a) => [a.fileId, a.fileName])).toEqual([
      ['f1', ''],
      ['f2', ''],
    ]);
    // The key's bytes are gone from the bucket's stream, not only hidden behind a marker.
    const bucket = `KV_${log.names.kvBucket('keys')}`;
    const info = await log.jsm.streams.info(bucket);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await log.jsm.streams.getMessage(bucket, { seq }).catch(() => null);
      if (m && key) expect(Buffer.from(m.data).includes(Buffer.from(key))).toBe(false);
    }
    // A later event of theirs keeps no personal data at all.
    const after = await roundTrip(posted('dot', 'written after erasure'), 'dot');
    expect(contains(after.data, 'written after erasure')).toBe(false);
    expect(decodeEvent('chat', 'CHAT', after)).toMatchObject({
      erased: true,
      event: { value: { content: '' } },
    });
    // Erasing again changes nothing.
    await log.keys.erase('dot');
    expect(await log.keys.isErased('dot')).toBe(true);
  });

  it('never serves a message opened before the erasure from the copy readers share', async () => {
    const raw = await roundTrip(posted('eve', 'the safe code is 2604'), 'eve');
    // Every read model of this process reads the same message: the first decodes, the rest share it.
    const first = decodeEvent('chat', 'CHAT', raw);
    expect(decodeEvent('chat', 'CHAT', { ...raw, data: new Uint8Array(raw.data) })).toBe(first);
    expect(first.event.value).toMatchObject({ content: 'the safe code is 2604' });
    await log.keys.erase('eve');
    const after = decodeEvent('chat', 'CHAT', { ...raw, data: new Uint8Array(raw.data) });
    expect(after.erased).toBe(true);
    expect(after.event.value).toMatchObject({ senderId: 'eve', content: '' });
  });

  it('ends an erasure cut short after the key was overwritten: the marker is still written', async () => {
    await log.keys.ready(['fay']);
    const { id } = log.keys.sealingKey('fay') as { id: string };
    const { Kvm } = await import('@nats-io/kv');
    const kv = await new Kvm(log.js).open(log.names.kvBucket('keys'));
    const bucket = `KV_${log.names.kvBucket('keys')}`;
    const entry = await kv.get(`k.${id}`);
    // The first step of an erasure, and then the process died.
    await log.jsm.streams.deleteMessage(bucket, entry?.revision ?? 0, true);
    await log.keys.erase('fay');
    expect((await kv.get(`k.${id}`))?.operation).toBe('PURGE');
    expect(await log.keys.isErased('fay')).toBe(true);
    // A member who never had a key: none can be made for them afterwards.
    await log.keys.erase('gus');
    await log.keys.ready(['gus']);
    expect(log.keys.sealingKey('gus')).toBe('erased');
  });

  it('a key not known yet is a transient KeyPending, found by fetchKey', async () => {
    const id = crypto.randomUUID();
    await log.keys.ready([]);
    expect(() => openingKey(id)).toThrow(KeyPending);
    const kv = await import('@nats-io/kv').then(({ Kvm }) =>
      new Kvm(log.js).open(log.names.kvBucket('keys')),
    );
    await kv.put(`k.${id}`, new Uint8Array(32).fill(7));
    await fetchKey(id);
    expect(Buffer.from(openingKey(id) ?? [])).toEqual(Buffer.alloc(32, 7));
  });
});

describe('the schema', () => {
  it('names an owner for every event type with personal fields, and never shows one in the audit log', () => {
    for (const domain of DOMAINS) {
      const envelope = ENVELOPES[domain];
      for (const field of envelope.fields) {
        if (!field.oneof || !field.message) continue;
        const desc = eventDesc(envelope, field.message.typeName);
        const sealed = personalFields(desc);
        for (const f of desc.fields) {
          const both =
            hasOption(f, personal) &&
            getOption(f, personal) &&
            hasOption(f, audit_shown) &&
            getOption(f, audit_shown);
          expect(both, `${desc.typeName}.${f.name}`).toBeFalsy();
        }
        if (sealed.length > 0) expect(() => personalOwner(desc, create(desc)), desc.typeName).not.toThrow();
      }
    }
    expect(personalFields(MessagePostedSchema)).toEqual(['content', 'attachments.file_name']);
  });
});
