import { fromBinary } from '@bufbuild/protobuf';
import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { IdentityEventSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { registered } from '../../test/events.ts';
import { decodeEnvelope, decodeEvent, streamSeq } from './decode.ts';
import { encode } from './encode.ts';

// JsMsgImpl exposes the ack subject as `reply`; `seq` stands for JsMsg's own parse.
const delivered = (reply: string): JsMsg => ({ reply, seq: -1 }) as unknown as JsMsg;

describe('the stream sequence of a delivered message', () => {
  it('is read from either form of the ack subject', () => {
    // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>
    expect(streamSeq(delivered('$JS.ACK.IDENTITY.rm_users.1.4711.12.1700000000000000000.0'))).toBe(4711);
    // ... with <domain>.<account hash> after ACK and a random token at the end.
    expect(
      streamSeq(delivered('$JS.ACK.hub.ACCHASH.IDENTITY.rm_users.1.987654321.5.1700000000000000000.7.x1y2')),
    ).toBe(987654321);
    expect(streamSeq(delivered('$JS.ACK._.ACCHASH.S.c.2.42.40.1.0'))).toBe(42);
  });

  it('leaves any other form to JsMsg', () => {
    expect(streamSeq(delivered('$JS.ACK.too.short'))).toBe(-1);
    expect(streamSeq(delivered('_INBOX.abc'))).toBe(-1);
    expect(streamSeq({ seq: 7 } as unknown as JsMsg)).toBe(7);
  });
});

describe('a payload read back from the log', () => {
  const now = new Date('2024-05-01T10:00:00Z');
  // No key needed here: as for an erased member, the name and email are not written at all.
  const noKeys = { sealingKey: () => 'erased' as const };
  const bytes = encode(
    IdentityEventSchema,
    registered('u1'),
    { actorId: 'admin', correlationId: 'c', now },
    noKeys,
  );

  it('decodes to the envelope fromBinary gives', () => {
    expect(decodeEnvelope(IdentityEventSchema, bytes)).toStrictEqual(fromBinary(IdentityEventSchema, bytes));
  });

  it('becomes a stored event with its type, time and actor', () => {
    const stored = decodeEvent('identity', 'S', {
      seq: 7,
      subject: 'x.identity.user.u1.account',
      data: bytes,
    });
    expect(stored).toMatchObject({
      stream: 'S',
      seq: 7,
      type: 'hearth.identity.v1.UserRegistered',
      occurredAt: now,
      actorId: 'admin',
      event: { case: 'userRegistered', value: { userId: 'u1' } },
    });
  });

  it('keeps where its command came from: the client address and user agent', () => {
    const from = encode(
      IdentityEventSchema,
      registered('u1'),
      {
        actorId: 'u1',
        correlationId: 'c',
        now,
        clientIp: '10.0.0.7',
        userAgent: 'Firefox/128.0',
      },
      noKeys,
    );
    const stored = decodeEvent('identity', 'S', { seq: 8, subject: 'x', data: from });
    expect(stored).toMatchObject({ clientIp: '10.0.0.7', userAgent: 'Firefox/128.0' });
    // The system's own commands have none.
    expect(decodeEvent('identity', 'S', { seq: 7, subject: 'x', data: bytes })).toMatchObject({
      clientIp: '',
      userAgent: '',
    });
  });

  it('refuses bytes that are not an envelope', () => {
    expect(() => decodeEnvelope(IdentityEventSchema, new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
