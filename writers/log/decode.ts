// Decoding what the log holds: a payload to its domain's envelope, a delivered or fetched
// message to a StoredEvent. Writers folding, projectors applying and the edge fanning out all
// decode here, with the compiled decoder of fast-decode.ts.
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { JsMsg } from '@nats-io/jetstream';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import { ENVELOPES } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { createDecodeCache } from './decode-cache.ts';
import { eventDesc } from './encode.ts';
import { decodeMessage } from './fast-decode.ts';
import { fetchKey, KeyPending } from './keys.ts';
import { openEvent } from './seal.ts';
import { headerTraceparent } from './tracing.ts';

/** An event as read back from the log: where it stands, what it is, who did it. */
export type StoredEvent<E extends Envelope = Envelope> = {
  stream: string;
  seq: number;
  subject: string;
  /** Protobuf full name of the event, as in the Hearth-Type header. */
  type: string;
  occurredAt: Date;
  actorId: string;
  /** During impersonation: the person the admin (actorId) acted as; empty otherwise. */
  onBehalfOf?: string;
  /** Where the command came from, as the edge saw it; empty for the system's own commands. */
  clientIp?: string;
  userAgent?: string;
  /** True when its personal fields were sealed under a key since destroyed: they read empty. */
  erased?: boolean;
  event: EventOf<E>;
};

export type RawMessage = {
  seq: number;
  subject: string;
  data: Uint8Array;
  header?: { get: (k: string) => string } | undefined;
  /** The traceparent header without decoding the others (a delivered message has it). */
  traceparent?: () => string | undefined;
  time?: Date;
  /** Filled once, ahead of the transaction (see applyFast). */
  decoded?: StoredEvent | Error;
};

/**
 * A delivered message as the runtime holds it: the sequence read once, the headers and the
 * server's time only if asked for (a poison event's type, a payload without a time); most
 * never are. A class, so a message costs no closures.
 */
class Delivered implements RawMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  decoded?: StoredEvent | Error;
  readonly #m: JsMsg;
  constructor(m: JsMsg) {
    this.#m = m;
    this.seq = streamSeq(m);
    this.subject = m.subject;
    this.data = m.data;
  }
  get header() {
    return this.#m.headers;
  }
  traceparent() {
    return headerTraceparent(this.#m);
  }
  get time() {
    return this.#m.time;
  }
}

export function toRaw(m: JsMsg): RawMessage {
  return new Delivered(m);
}

/**
 * JsMsg.seq, without the full delivery info it parses for it (a split and a dozen fields,
 * for every message). The ack subject is $JS.ACK.<stream>.<consumer>.<delivered>.<seq>...
 * (nine tokens), or carries a domain and an account hash after ACK (eleven or more).
 */
export function streamSeq(m: JsMsg): number {
  // JsMsgImpl has it; the JsMsg interface does not promise it.
  const reply = (m as { reply?: unknown }).reply;
  if (typeof reply !== 'string' || !reply.startsWith('$JS.ACK.')) return m.seq;
  let dots = 0;
  for (let i = 0; i < reply.length; i++) if (reply.charCodeAt(i) === 46) dots++;
  const token = dots === 8 ? 5 : dots >= 10 ? 7 : -1;
  if (token < 0) return m.seq; // not a form it knows: let JsMsg say what is wrong
  let start = 0;
  for (let seen = 0; seen < token; start++) if (reply.charCodeAt(start) === 46) seen++;
  const end = reply.indexOf('.', start);
  return Number.parseInt(reply.slice(start, end), 10);
}

/** A payload as its envelope: the same result as fromBinary, a few times faster. Throws on bad bytes. */
export function decodeEnvelope<E extends Envelope>(envelope: GenMessage<E>, data: Uint8Array): E {
  return decodeMessage(envelope, data);
}

/**
 * A payload as its envelope with its personal fields opened (seal.ts): 'erased' when their
 * key was destroyed. Throws KeyPending for a key made elsewhere and not loaded here yet: a
 * transient error (openEnvelopeReady waits for it).
 */
export function openEnvelope<E extends Envelope>(
  envelope: GenMessage<E>,
  data: Uint8Array,
): { envelope: E; personal: 'open' | 'erased' | 'clear' } {
  const decoded = decodeEnvelope(envelope, data);
  const event = decoded.event as { case?: string; value?: { $typeName: string } };
  if (event.case === undefined || !event.value || !decoded.metadata?.sealed)
    return { envelope: decoded, personal: 'clear' };
  const desc = eventDesc(envelope, event.value.$typeName);
  return { envelope: decoded, personal: openEvent(desc, event.value as never, decoded.metadata.sealed) };
}

/** openEnvelope, waiting for a key another process made a moment ago. */
export async function openEnvelopeReady<E extends Envelope>(envelope: GenMessage<E>, data: Uint8Array) {
  for (let attempt = 0; ; attempt++) {
    try {
      return openEnvelope(envelope, data);
    } catch (err) {
      if (!(err instanceof KeyPending) || attempt >= 20) throw err;
      await fetchKey(err.keyId);
      await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** attempt)));
    }
  }
}

const shared = createDecodeCache<StoredEvent>();

/**
 * Throws on a payload that does not decode: the runner parks such an event as poison. Throws
 * KeyPending (transient: retried, never parked) for a sealed event whose key is not here yet.
 * The result is shared by every reader of the same message in this process (decode-cache.ts):
 * read it, never change it.
 */
export function decodeEvent(domain: Domain, stream: string, msg: RawMessage): StoredEvent {
  return shared.get(stream, msg, () => decodeFresh(domain, stream, msg));
}

function decodeFresh(domain: Domain, stream: string, msg: RawMessage): { value: StoredEvent; keyId: string } {
  const { envelope, personal } = openEnvelope(ENVELOPES[domain], msg.data);
  const event = envelope.event;
  if (event.case === undefined) throw new Error('payload carries no known event');
  const metadata = envelope.metadata;
  const occurred = metadata?.occurredAt;
  const value: StoredEvent = {
    stream,
    seq: msg.seq,
    subject: msg.subject,
    // The payload names its type and time; parsing headers per message costs CPU for nothing.
    type: event.value.$typeName,
    occurredAt: occurred ? timestampDate(occurred) : (msg.time ?? new Date(0)),
    actorId: metadata?.actorId ?? '',
    onBehalfOf: metadata?.onBehalfOf ?? '',
    clientIp: metadata?.clientIp ?? '',
    userAgent: metadata?.userAgent ?? '',
    ...(personal === 'erased' && { erased: true }),
    event,
  };
  // Opened with a key: the shared copy is dropped once that key is destroyed.
  return { value, keyId: personal === 'open' ? (metadata?.sealed?.keyId ?? '') : '' };
}
