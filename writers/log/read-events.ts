// Reads the log for admins and integrators: events decoded to JSON, in stream order.
import { toJson } from '@bufbuild/protobuf';
import { commonErrors } from '../../contracts/errors.ts';
import { ENVELOPES, HEADERS } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEnvelope } from './decode.ts';
import { messagesAfter } from './fold.ts';
import { toUnavailable } from './link.ts';
import type { Log } from './open.ts';

export type LoggedEvent = {
  seq: number;
  subject: string;
  type: string;
  time: string;
  actor: string | null;
  onBehalfOf: string | null;
  correlationId: string | null;
  payload: unknown;
};

export async function readEvents({
  log,
  domain,
  afterSeq,
  limit,
  subject,
}: {
  log: Log;
  domain: Domain;
  afterSeq: number;
  limit: number;
  subject?: string | undefined;
}): Promise<{ events: LoggedEvent[]; nextAfterSeq: number; lastSeq: number }> {
  const stream = log.names.stream(domain);
  const filter = subject ? scoped(log, domain, subject) : log.names.domainFilter(domain);
  const info = await log.link
    .reach(() => log.jsm.streams.info(stream))
    .catch((err: unknown) => {
      throw toUnavailable(err);
    });
  const { last_seq: lastSeq } = info.state;
  const events: LoggedEvent[] = [];
  if (limit < 1) return { events, nextAfterSeq: afterSeq, lastSeq };
  for await (const msg of messagesAfter({ log, stream, filter, afterSeq, untilSeq: lastSeq })) {
    let payload: unknown;
    try {
      payload = toJson(ENVELOPES[domain], decodeEnvelope(ENVELOPES[domain], msg.data));
    } catch {
      payload = { undecodable: true };
    }
    events.push({
      seq: msg.seq,
      subject: msg.subject,
      type: msg.header.get(HEADERS.type),
      time: msg.time.toISOString(),
      actor: msg.header.get(HEADERS.actor) || null,
      onBehalfOf: msg.header.get(HEADERS.onBehalfOf) || null,
      correlationId: msg.header.get(HEADERS.correlation) || null,
      payload,
    });
    if (events.length >= limit) break;
  }
  return { events, nextAfterSeq: events.at(-1)?.seq ?? afterSeq, lastSeq };
}

/** A subject filter from a client must stay inside the domain it asked for. */
function scoped(log: Log, domain: Domain, subject: string): string {
  const root = log.names.domainFilter(domain).slice(0, -1); // "hearth.identity."
  const full = subject.startsWith(root) ? subject : `${root}${subject}`;
  if (!full.startsWith(root) || full.includes('..'))
    throw commonErrors.invalidRequest('Subject outside this stream.', { field: 'subject' });
  return full;
}
