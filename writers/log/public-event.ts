// The one converter from a stored message to what integrators read (the SSE feed, webhooks):
// where it stands, what it is, who caused it, and its fields as protobuf JSON. Personal fields
// are opened only when the caller says the reader may have them (the key's scopes; never a
// direct message's text); otherwise they stay as the log keeps them, sealed, and read empty.
// A member's client (address, user agent) is personal too, though not sealed: it is withheld
// unless the reader may have personal fields. A key's secret hash goes to no reader at all.
import { clearField, type DescMessage, type Message, toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ENVELOPES } from '../../contracts/events.ts';
import type { PublicEvent } from '../../contracts/integrators.api.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEnvelope } from './decode.ts';
import { eventDesc } from './encode.ts';
import { openEvent } from './seal.ts';

export type PublicSource = { subject: string; seq: number; data: Uint8Array; time?: Date | undefined };

/**
 * Throws on a payload that does not decode, and KeyPending for a sealed event whose key this
 * process has not loaded yet (transient: the caller waits and tries again).
 */
export function toPublicEvent({
  domain,
  stream,
  msg,
  open,
}: {
  domain: Domain;
  stream: string;
  msg: PublicSource;
  /** May this reader have this event's personal fields? */
  open: boolean;
}): PublicEvent {
  const envelope = decodeEnvelope(ENVELOPES[domain], msg.data);
  const event = envelope.event;
  if (event.case === undefined) throw new Error('payload carries no known event');
  const meta = envelope.metadata;
  const desc = eventDesc(ENVELOPES[domain], event.value.$typeName);
  let personal: PublicEvent['personal'] = 'clear';
  if (meta?.sealed?.keyId) {
    personal = open ? openEvent(desc, event.value, meta.sealed) : 'sealed';
    if (personal === 'clear') personal = 'sealed';
  }
  if (withhold(desc, event.value, open) && personal === 'clear') personal = 'sealed';
  const occurred = meta?.occurredAt ? timestampDate(meta.occurredAt) : (msg.time ?? new Date(0));
  return {
    id: `${stream}/${msg.seq}`,
    stream,
    seq: msg.seq,
    subject: msg.subject,
    type: event.value.$typeName,
    time: occurred.toISOString(),
    actor: meta?.actorId ?? '',
    ...(meta?.onBehalfOf ? { onBehalfOf: meta.onBehalfOf } : {}),
    correlationId: meta?.correlationId ?? '',
    payload: toJson(desc, event.value) as Record<string, unknown>,
    personal,
  };
}

/** Fields about the client a member used: where they were, on what device. */
const CLIENT_FIELDS = new Set(['ip_address', 'user_agent', 'client_ip']);
/**
 * Fields no reader is given, whatever its scopes: a key's hash, a webhook's sealed secret and
 * sealed URL (which often carries a token of its own), and the clear URL events never carry.
 */
const NEVER_RELEASED = new Set(['secret_hash', 'secret_sealed', 'target_sealed', 'target_url']);
/** Free text of a type, not sealed, given only to a reader that may have personal fields. */
const PERSONAL_TEXT: Record<string, ReadonlySet<string>> = {
  'hearth.identity.v1.ApiKeyIssued': new Set(['name']),
  'hearth.identity.v1.WebhookRegistered': new Set(['name']),
  'hearth.identity.v1.WebhookChanged': new Set(['name']),
};

/**
 * Blanks what this reader may not have of an event (its own fields, not its metadata: the
 * metadata's client_ip and user_agent never go out). True when a field it was withheld had a value.
 */
function withhold(desc: DescMessage, value: Message, open: boolean): boolean {
  const text = PERSONAL_TEXT[desc.typeName];
  let withheld = false;
  for (const field of desc.fields) {
    const never = NEVER_RELEASED.has(field.name);
    if (!never && (open || !(CLIENT_FIELDS.has(field.name) || text?.has(field.name)))) continue;
    const v = (value as unknown as Record<string, unknown>)[field.localName];
    if (v === undefined || v === '' || (v instanceof Uint8Array && v.length === 0)) continue;
    clearField(value, field);
    if (!never) withheld = true;
  }
  return withheld;
}
