// An outbox row (JSON written by a trigger or a hook) becomes the protobuf message the relay
// publishes: the same envelope, metadata and headers as the writers' events.
import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import type { MsgHdrs } from '@nats-io/transport-node';
import { IdentityEventSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Names } from '../../contracts/subjects.ts';
import { encode, eventHeaders } from '../../writers/log/encode.ts';
import type { Keyring } from '../../writers/log/keys.ts';
import { canonicalAddress } from '../http/address-form.ts';
import { cleanUserAgent } from '../http/user-agent.ts';

export type OutboxRow = {
  id: string;
  type: string;
  user_id: string;
  payload: Record<string, unknown>;
  actor_id: string;
  on_behalf_of: string;
  occurred_at: Date;
  /** Where the request that wrote it came from; '' (or absent) for none. */
  client_ip?: string;
  user_agent?: string;
};

export type OutboxMessage = { subject: string; data: Uint8Array; headers: MsgHdrs; msgID: string };

const SESSION_FACTS = new Set(['signedIn', 'signInFailed', 'signedOut', 'sessionRevoked']);
const ACCOUNT_FACTS = new Set(['userRegistered', 'profileUpdated', 'passwordChanged']);

/** Failed sign-ins for an email that matches no account share one subject. */
export const UNKNOWN_USER = '_unknown';

/** JetStream drops a second message with the same id: a crash between publish and mark is harmless. */
export function outboxMsgId(id: string): string {
  return `outbox-${id}`;
}

/**
 * Where the row's request came from, as its event's metadata records it (never a header): what
 * the trigger copied from the transaction (write-origin.ts), else what a sign-in's session or a
 * failed sign-in's payload holds (rows written before the outbox recorded it). Cleaned again
 * as the edge cleans it, whoever wrote the row.
 */
function originOf(row: OutboxRow): { clientIp?: string; userAgent?: string } {
  const { ipAddress, userAgent } = row.payload;
  const address = row.client_ip || (typeof ipAddress === 'string' ? ipAddress : '');
  const agent = row.user_agent || (typeof userAgent === 'string' ? userAgent : '');
  return {
    ...(address && { clientIp: canonicalAddress(address.slice(0, 64)) }),
    ...(agent && { userAgent: cleanUserAgent(agent) }),
  };
}

/** Throws when the row does not describe a known event; the relay then skips it. */
export function toMessage(row: OutboxRow, names: Names, keys?: Pick<Keyring, 'sealingKey'>): OutboxMessage {
  if (!SESSION_FACTS.has(row.type) && !ACCOUNT_FACTS.has(row.type)) {
    throw new Error(`unknown outbox event type ${row.type}`);
  }
  const envelope = fromJson(IdentityEventSchema, { [row.type]: row.payload as JsonObject });
  const event = envelope.event;
  if (event.case === undefined) throw new Error('outbox row carries no event');
  const userId = row.user_id || UNKNOWN_USER;
  const subject = SESSION_FACTS.has(row.type)
    ? names.identity.sessions(userId)
    : names.identity.account(userId);
  const meta = {
    now: row.occurred_at,
    actorId: row.actor_id,
    onBehalfOf: row.on_behalf_of || undefined,
    correlationId: outboxMsgId(row.id),
    ...originOf(row),
  };
  return {
    subject,
    data: encode(IdentityEventSchema, event, meta, keys),
    headers: eventHeaders(event, meta),
    msgID: outboxMsgId(row.id),
  };
}
