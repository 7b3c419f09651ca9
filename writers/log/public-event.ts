// The one converter from a stored message to what integrators read (the SSE feed, webhooks):
// where it stands, what it is, who caused it, and its fields as protobuf JSON. Personal fields
// are opened only when the caller says the reader may have them (the key's scopes; never a
// direct message's text); otherwise they stay as the log keeps them, sealed, and read empty.
import { toJson } from '@bufbuild/protobuf';
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
