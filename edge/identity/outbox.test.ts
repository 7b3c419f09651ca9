import { createDecipheriv } from 'node:crypto';
import { type DescMessage, fromBinary, type MessageShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../contracts/events.ts';
import {
  IdentityEventSchema,
  ProfileUpdatedSchema,
  UserRegisteredSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { createNames } from '../../contracts/subjects.ts';
import { type OutboxMessage, type OutboxRow, toMessage as toMessageWith, UNKNOWN_USER } from './outbox.ts';

const names = createNames('t1');
// One member key for every row: the relay readies the row's member's key before it encodes.
const KEY = new Uint8Array(32).fill(7);
const keys = { sealingKey: () => ({ id: 'key-1', key: KEY }) };
const toMessage = (row: OutboxRow, n: typeof names) => toMessageWith(row, n, keys);

/** The personal fields a message sealed, opened with the test key (as writers/log/seal.ts seals). */
function sealedFields<D extends DescMessage>(msg: OutboxMessage, desc: D): MessageShape<D> {
  const sealed = fromBinary(IdentityEventSchema, msg.data).metadata?.sealed;
  if (!sealed) throw new Error('nothing sealed');
  expect(sealed.keyId).toBe('key-1');
  const box = sealed.box;
  const decipher = createDecipheriv('aes-256-gcm', KEY, box.subarray(0, 12));
  decipher.setAAD(Buffer.from(desc.typeName));
  decipher.setAuthTag(box.subarray(box.length - 16));
  return fromBinary(
    desc,
    Buffer.concat([decipher.update(box.subarray(12, box.length - 16)), decipher.final()]),
  );
}
const at = new Date('2026-11-22T12:00:00Z');
const row = (over: Partial<OutboxRow>): OutboxRow => ({
  id: '42',
  type: 'userRegistered',
  user_id: 'u1',
  payload: { userId: 'u1', email: 'ann@family.test', name: 'Ann', role: 'admin' },
  actor_id: 'u1',
  on_behalf_of: '',
  occurred_at: at,
  ...over,
});
/** A sign-in's row, its session's address and user agent in the payload. */
const signedIn = (over: Partial<OutboxRow>) =>
  row({
    type: 'signedIn',
    payload: { userId: 'u1', sessionId: 's1', ipAddress: '10.0.0.1', userAgent: 'ua' },
    ...over,
  });

describe('an outbox row', () => {
  it('becomes the protobuf event on the account subject, deduplicated by its id', () => {
    const msg = toMessage(row({}), names);
    expect(msg.subject).toBe(names.identity.account('u1'));
    expect(msg.msgID).toBe('outbox-42');
    expect(msg.headers.get(HEADERS.type)).toBe('hearth.identity.v1.UserRegistered');
    const envelope = fromBinary(IdentityEventSchema, msg.data);
    // The email and name travel sealed under the member's key, never in the clear.
    expect(envelope.event).toMatchObject({
      case: 'userRegistered',
      value: { email: '', name: '', role: 'admin' },
    });
    expect(Buffer.from(msg.data).includes('ann@family.test')).toBe(false);
    expect(sealedFields(msg, UserRegisteredSchema)).toMatchObject({ email: 'ann@family.test', name: 'Ann' });
    expect(envelope.metadata?.actorId).toBe('u1');
    expect(envelope.metadata?.occurredAt && timestampDate(envelope.metadata.occurredAt)).toEqual(at);
  });

  it('puts sign-in facts on the sessions subject, with the admin as actor during impersonation', () => {
    const msg = toMessage(signedIn({ actor_id: 'admin1', on_behalf_of: 'u1' }), names);
    expect(msg.subject).toBe(names.identity.sessions('u1'));
    const envelope = fromBinary(IdentityEventSchema, msg.data);
    expect(envelope.metadata).toMatchObject({ actorId: 'admin1', onBehalfOf: 'u1' });
    // Where the session came from is in the metadata too, as for every command's event.
    expect(envelope.metadata).toMatchObject({ clientIp: '10.0.0.1', userAgent: 'ua' });
    expect(fromBinary(IdentityEventSchema, toMessage(row({}), names).data).metadata).toMatchObject({
      clientIp: '',
      userAgent: '',
    });
    expect(msg.headers.get(HEADERS.onBehalfOf)).toBe('u1');
  });

  it("carries the request's address and user agent the trigger recorded, in the metadata only", () => {
    const msg = toMessage(
      row({
        type: 'profileUpdated',
        payload: { userId: 'u1', name: 'Annie' },
        client_ip: '::FFFF:203.0.113.9',
        user_agent: `Firefox/130\u0000\u007f\t${'x'.repeat(400)}`,
      }),
      names,
    );
    const { metadata } = fromBinary(IdentityEventSchema, msg.data);
    // Cleaned again as the edge cleans it: one spelling, no control characters, capped.
    expect(metadata?.clientIp).toBe('203.0.113.9');
    expect(metadata?.userAgent).toBe(`Firefox/130 ${'x'.repeat(244)}`);
    const headers = [...msg.headers.keys()].map((k) => `${k}: ${msg.headers.get(k)}`).join('\n');
    expect(headers).not.toContain('203.0.113.9');
    expect(headers).not.toContain('Firefox');
    // The columns win over a session's own record; a row with none has none.
    const signIn = toMessage(signedIn({ client_ip: '10.0.0.2', user_agent: 'ua2' }), names);
    expect(fromBinary(IdentityEventSchema, signIn.data).metadata).toMatchObject({
      clientIp: '10.0.0.2',
      userAgent: 'ua2',
    });
    const none = toMessage(
      row({ type: 'passwordChanged', payload: { userId: 'u1' }, client_ip: '', user_agent: '' }),
      names,
    );
    expect(fromBinary(IdentityEventSchema, none.data).metadata).toMatchObject({
      clientIp: '',
      userAgent: '',
    });
  });

  it('files a failed sign-in for an unknown email under one shared subject', () => {
    const msg = toMessage(
      row({
        type: 'signInFailed',
        user_id: '',
        payload: { userId: '', email: 'x@y.test', ipAddress: '', reason: 'invalid_email_or_password' },
      }),
      names,
    );
    expect(msg.subject).toBe(names.identity.sessions(UNKNOWN_USER));
  });

  it('keeps an emptied avatar apart from an untouched name', () => {
    const msg = toMessage(row({ type: 'profileUpdated', payload: { userId: 'u1', image: '' } }), names);
    const { event } = fromBinary(IdentityEventSchema, msg.data);
    expect(event.case).toBe('profileUpdated');
    const fields = sealedFields(msg, ProfileUpdatedSchema);
    expect(fields.name).toBeUndefined();
    expect(fields.image).toBe('');
  });

  it('drops the personal fields of a member already erased', () => {
    const erased = { sealingKey: () => 'erased' as const };
    const msg = toMessageWith(row({}), names, erased);
    const envelope = fromBinary(IdentityEventSchema, msg.data);
    // Nothing sealed: only the mark that says why the fields are empty.
    expect(envelope.metadata?.sealed).toMatchObject({ keyId: '-', box: new Uint8Array() });
    expect(envelope.event).toMatchObject({
      case: 'userRegistered',
      value: { userId: 'u1', email: '', name: '' },
    });
  });

  it('refuses a type the relay does not publish, or fields the event does not have', () => {
    expect(() => toMessage(row({ type: 'roleChanged' }), names)).toThrow(/unknown outbox event type/);
    expect(() => toMessage(row({ payload: { userId: 'u1', shoeSize: 9 } }), names)).toThrow();
  });
});
