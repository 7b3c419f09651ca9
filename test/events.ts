// Builds and publishes identity events the way the writers and the outbox relay do.
import { create } from '@bufbuild/protobuf';
import type { EventOf } from '../contracts/events.ts';
import {
  type IdentityEvent,
  IdentityEventSchema,
  SignedInSchema,
  UserRegisteredSchema,
} from '../contracts/gen/hearth/identity/v1/events_pb.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import type { Log } from '../writers/log/open.ts';

export type IdentityBody = EventOf<IdentityEvent>;

export const registered = (userId: string, role = 'member'): IdentityBody => ({
  case: 'userRegistered',
  value: create(UserRegisteredSchema, { userId, email: `${userId}@family.test`, name: userId, role }),
});

export const signedIn = (userId: string, sessionId = `s-${userId}`): IdentityBody => ({
  case: 'signedIn',
  value: create(SignedInSchema, { userId, sessionId, ipAddress: '127.0.0.1', userAgent: 'test' }),
});

export async function publishIdentity(log: Log, event: IdentityBody, now = new Date()): Promise<number> {
  // Account and session facts only: an invite has a subject of its own.
  const userId =
    event.case === 'memberErased' ? event.value.memberId : 'userId' in event.value ? event.value.userId : '';
  const subject =
    event.case === 'signedIn' || event.case === 'signedOut' || event.case === 'sessionRevoked'
      ? log.names.identity.sessions(userId)
      : log.names.identity.account(userId);
  const meta = { actorId: userId, correlationId: 'test', now };
  if (userId) await log.keys.ready([userId]);
  const ack = await log.js.publish(subject, encode(IdentityEventSchema, event, meta, log.keys), {
    headers: eventHeaders(event, meta),
  });
  return ack.seq;
}
