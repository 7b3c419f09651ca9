// Reads the log for admins and integrators: events decoded to JSON with their headers, in stream
// order, from a sequence or a moment. Personal fields are never opened here (the audit viewer's
// rule): an event says which of its fields are withheld, or that its member was erased, and the
// sealed box itself never leaves.
import { toJson } from '@bufbuild/protobuf';
import { DeliverPolicy, type StoredMsg } from '@nats-io/jetstream';
import { commonErrors } from '../../contracts/errors.ts';
import { ENVELOPES, HEADERS } from '../../contracts/events.ts';
import type { EventsPage, LoggedEvent, PersonalMark } from '../../contracts/inspect.api.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEnvelope } from './decode.ts';
import { eventDesc } from './encode.ts';
import { messagesAfter } from './fold.ts';
import { fetchKey, KeyPending, openingKey } from './keys.ts';
import { toUnavailable } from './link.ts';
import type { Log } from './open.ts';
import { personalFields } from './seal.ts';

export type { EventsPage, LoggedEvent };

const fromLog = <T>(log: Log, read: () => Promise<T>): Promise<T> =>
  log.link.reach(read).catch((err: unknown) => {
    throw toUnavailable(err);
  });

export async function readEvents({
  log,
  domain,
  afterSeq = 0,
  since,
  limit,
  subject,
}: {
  log: Log;
  domain: Domain;
  /** Events after this sequence (0: from the start). */
  afterSeq?: number;
  /** Events stored at or after this moment (overrides afterSeq). */
  since?: Date | undefined;
  limit: number;
  subject?: string | undefined;
}): Promise<EventsPage> {
  const stream = log.names.stream(domain);
  const filter = subject ? scoped(log, domain, subject) : log.names.domainFilter(domain);
  const info = await fromLog(log, () => log.jsm.streams.info(stream));
  const { last_seq: lastSeq } = info.state;
  const events: LoggedEvent[] = [];
  let after = afterSeq;
  if (since) {
    const first = await firstAt({ log, stream, filter, since, lastTime: info.state.last_ts });
    if (first === undefined) return { events, nextAfterSeq: lastSeq, lastSeq };
    after = first - 1;
  }
  if (limit < 1) return { events, nextAfterSeq: after, lastSeq };
  for await (const msg of messagesAfter({ log, stream, filter, afterSeq: after, untilSeq: lastSeq })) {
    events.push(await logged(domain, msg));
    if (events.length >= limit) break;
  }
  return { events, nextAfterSeq: events.at(-1)?.seq ?? after, lastSeq };
}

/**
 * The first sequence of `filter` stored at or after `since` (undefined: none yet), found the way
 * the server finds it for a consumer that starts at a time (DeliverPolicy.StartTime).
 */
async function firstAt({
  log,
  stream,
  filter,
  since,
  lastTime,
}: {
  log: Log;
  stream: string;
  filter: string;
  since: Date;
  lastTime: string;
}): Promise<number | undefined> {
  if (new Date(lastTime).getTime() < since.getTime()) return undefined;
  return fromLog(log, async () => {
    const consumer = await log.js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: since.toISOString(),
      headers_only: true,
    });
    try {
      const msg = await consumer.next({ expires: 2_000 });
      return msg?.seq;
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  });
}

/** One stored message as an admin reads it. */
export async function logged(domain: Domain, msg: StoredMsg): Promise<LoggedEvent> {
  const headers: Record<string, string> = {};
  for (const key of msg.header?.keys() ?? []) headers[key] = msg.header.get(key);
  let payload: unknown;
  let personal: PersonalMark | undefined;
  try {
    const envelope = decodeEnvelope(ENVELOPES[domain], msg.data);
    const sealed = envelope.metadata?.sealed;
    // The box goes no further than this function: only whether there was one, and whose key.
    if (envelope.metadata) envelope.metadata.sealed = undefined;
    payload = toJson(ENVELOPES[domain], envelope);
    const event = envelope.event as { case?: string; value?: { $typeName: string } };
    if (sealed?.keyId && event.case && event.value) {
      const desc = eventDesc(ENVELOPES[domain], event.value.$typeName);
      personal = {
        status: (await keyErased(sealed.keyId)) ? 'erased' : 'withheld',
        fields: personalFields(desc).map((f) => `${event.case}.${f}`),
      };
    }
  } catch {
    payload = { undecodable: true };
  }
  return {
    seq: msg.seq,
    subject: msg.subject,
    type: msg.header?.get(HEADERS.type) ?? '',
    time: msg.time.toISOString(),
    actor: msg.header?.get(HEADERS.actor) || null,
    onBehalfOf: msg.header?.get(HEADERS.onBehalfOf) || null,
    correlationId: msg.header?.get(HEADERS.correlation) || null,
    headers,
    payload,
    ...(personal && { personal }),
  };
}

/** Whether a sealing key was destroyed, asked of the keyring without opening anything. */
export async function keyErased(keyId: string): Promise<boolean> {
  if (keyId === '-') return true;
  try {
    return openingKey(keyId) === null;
  } catch (err) {
    if (!(err instanceof KeyPending)) throw err;
    await fetchKey(keyId);
    try {
      return openingKey(keyId) === null;
    } catch {
      return false; // a key nobody has yet: its fields are withheld all the same
    }
  }
}

const FILTER_TOKEN = /^(?:[A-Za-z0-9_:-]{1,128}|\*|>)$/;

/** A subject filter from a client must stay inside the domain it asked for. */
function scoped(log: Log, domain: Domain, subject: string): string {
  const root = log.names.domainFilter(domain).slice(0, -1); // "hearth.identity."
  const full = subject.startsWith(root) ? subject : `${root}${subject}`;
  if (!full.startsWith(root))
    throw commonErrors.invalidRequest('Subject outside this stream.', { field: 'subject' });
  // Tokens as NATS takes them: none empty, a wildcard alone in its token, '>' only last.
  const tokens = full.split('.');
  if (!tokens.every((t, i) => FILTER_TOKEN.test(t) && (t !== '>' || i === tokens.length - 1)))
    throw commonErrors.invalidRequest('That is no subject filter.', { field: 'subject' });
  return full;
}
