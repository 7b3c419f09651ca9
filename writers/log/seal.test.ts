import { randomBytes } from 'node:crypto';
import { clone, create, type DescMessage, type Message, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { AttachmentSchema, MessagePostedSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { ProfileUpdatedSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { personalFields, sealEvent } from './seal.ts';

const key = { id: 'k1', key: new Uint8Array(randomBytes(32)) };
const keys = { sealingKey: () => key };

/** What the log keeps, as a clone with every personal field set to its default would encode. */
function expectedKept(desc: DescMessage, value: Message): Uint8Array {
  const copy = clone(desc, value) as unknown as Record<string, unknown>;
  const blank = create(desc) as unknown as Record<string, unknown>;
  for (const path of personalFields(desc)) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    const local = desc.fields.find((f) => f.name === head)?.localName as string;
    if (tail === undefined) copy[local] = blank[local];
    else {
      const nested = desc.fields.find((f) => f.name === head)?.message as DescMessage;
      const field = nested.fields.find((f) => f.name === tail)?.localName as string;
      const zero = (create(nested) as unknown as Record<string, unknown>)[field];
      for (const item of copy[local] as Record<string, unknown>[]) item[field] = zero;
    }
  }
  return toBinary(desc, copy as never);
}

const cases: [string, DescMessage, Message][] = [
  [
    'a message with attachments',
    MessagePostedSchema,
    create(MessagePostedSchema, {
      channelId: 'family',
      messageId: 'm1',
      senderId: 'ann',
      content: 'see you at 6',
      mentionIds: ['bob'],
      attachments: [
        create(AttachmentSchema, { fileId: 'f1', fileName: 'beach.jpg', sizeBytes: 12n, width: 4 }),
        create(AttachmentSchema, { fileId: 'f2', fileName: 'notes.pdf', sizeBytes: 9n }),
      ],
    }),
  ],
  [
    'a profile with an optional field unset',
    ProfileUpdatedSchema,
    create(ProfileUpdatedSchema, { userId: 'cid', name: 'Cid' }),
  ],
];

describe('sealing an event', () => {
  for (const [name, desc, value] of cases) {
    it(`keeps exactly what a clone without its personal fields would keep: ${name}`, () => {
      const before = toBinary(desc, value);
      const { value: kept, sealed } = sealEvent(desc, value, keys);
      expect(toBinary(desc, kept)).toEqual(expectedKept(desc, value));
      // The caller's event is left as it was.
      expect(toBinary(desc, value)).toEqual(before);
      expect(sealed?.keyId).toBe('k1');
    });
  }

  it('never uses a nonce twice, across a refill of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { sealed } = sealEvent(MessagePostedSchema, cases[0]?.[2] as never, keys);
      const nonce = Buffer.from(sealed?.box.subarray(0, 12) ?? []).toString('hex');
      seen.add(nonce);
    }
    expect(seen.size).toBe(600);
  });
});
