// What the integrators' converter gives away of identity events: a member's client (address,
// user agent) and a key's name only with the personal scope; a key's secret hash never.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  ApiKeyIssuedSchema,
  IdentityEventSchema,
  WebhookRegisteredSchema,
} from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { signedIn } from '../../test/events.ts';
import { encode } from './encode.ts';
import { toPublicEvent } from './public-event.ts';

const meta = {
  actorId: 'u1',
  correlationId: 'c',
  now: new Date('2024-05-01T10:00:00Z'),
  clientIp: '203.0.113.9',
  userAgent: 'Phone/1.0',
};
const source = (data: Uint8Array) => ({ subject: 'identity.x', seq: 3, data });
const convert = (data: Uint8Array, open: boolean) =>
  toPublicEvent({ domain: 'identity', stream: 'IDENTITY', msg: source(data), open });

const signIn = encode(IdentityEventSchema, signedIn('u1'), meta);
const issued = encode(
  IdentityEventSchema,
  {
    case: 'apiKeyIssued',
    value: create(ApiKeyIssuedSchema, {
      keyId: 'k1',
      name: 'Grandma tablet',
      scopes: ['identity:read'],
      expiresAtMs: 1n,
      secretHash: new Uint8Array(32).fill(7),
      issuedBy: 'admin',
    }),
  },
  meta,
);

describe('an identity event given to an integrator', () => {
  it('withholds the sign-in address and user agent without the personal scope', () => {
    const e = convert(signIn, false);
    expect(e.payload).toEqual({ userId: 'u1', sessionId: 's-u1' });
    expect(e.personal).toBe('sealed');
    expect(JSON.stringify(e)).not.toMatch(/127\.0\.0\.1|203\.0\.113\.9|Phone|"test"/);
  });

  it('releases them with it, and never the metadata client', () => {
    const e = convert(signIn, true);
    expect(e.payload).toMatchObject({ ipAddress: '127.0.0.1', userAgent: 'test' });
    expect(e.personal).toBe('clear');
    expect(JSON.stringify(e)).not.toMatch(/203\.0\.113\.9|Phone/);
  });

  it("never releases a key's secret hash, and its name only with the personal scope", () => {
    const sealed = convert(issued, false);
    expect(sealed.payload).toEqual({
      keyId: 'k1',
      scopes: ['identity:read'],
      expiresAtMs: '1',
      issuedBy: 'admin',
    });
    const open = convert(issued, true);
    expect(open.payload).toMatchObject({ keyId: 'k1', name: 'Grandma tablet' });
    expect(open.payload).not.toHaveProperty('secretHash');
    expect(JSON.stringify(open)).not.toContain('BwcH');
  });

  it("never releases a webhook's sealed secret nor its URL, whatever the scope", () => {
    const registered = encode(
      IdentityEventSchema,
      {
        case: 'webhookRegistered',
        value: create(WebhookRegisteredSchema, {
          webhookId: 'w1',
          name: 'Receiver',
          targetUrl: 'https://example.org/hook?token=sekrit',
          subjects: ['hearth.chat.>'],
          secretSealed: new Uint8Array(40).fill(7),
          targetSealed: new Uint8Array(40).fill(9),
          registeredBy: 'admin',
        }),
      },
      meta,
    );
    for (const open of [false, true]) {
      const e = convert(registered, open);
      expect(e.payload).not.toHaveProperty('secretSealed');
      expect(e.payload).not.toHaveProperty('targetSealed');
      expect(e.payload).not.toHaveProperty('targetUrl');
      expect(JSON.stringify(e)).not.toMatch(/sekrit|BwcH|CQkJ/);
    }
  });

  it("gives a webhook's name only to a reader that may have personal fields", () => {
    const registered = encode(
      IdentityEventSchema,
      {
        case: 'webhookRegistered',
        value: create(WebhookRegisteredSchema, {
          webhookId: 'w1',
          name: 'Grandma’s lights',
          registeredBy: 'a',
        }),
      },
      meta,
    );
    expect(convert(registered, true).payload).toMatchObject({ name: 'Grandma’s lights' });
    const closed = convert(registered, false);
    expect(closed.payload).not.toHaveProperty('name');
    expect(closed.personal).toBe('sealed');
  });
});
