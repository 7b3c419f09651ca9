// The one read loop over the log: walking a subject forward with direct gets, and folding an
// aggregate from its snapshot (or a state already known) through its newer events. The
// appender and the read-through load with it, a reconnecting chat client replays with it.
import type { StoredMsg } from '@nats-io/jetstream';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import type { AggregateType } from './append.ts';
import { openEnvelopeReady } from './decode.ts';
import { toUnavailable } from './link.ts';
import type { Log } from './open.ts';
import { readSnapshot } from './snapshot.ts';

/** A NATS timeout, a closed connection or a link known to be down is the log being away, for every caller alike. */
const fromLog = <T>(log: Log, read: () => Promise<T>): Promise<T> =>
  log.link.reach(read).catch((err: unknown) => {
    throw toUnavailable(err);
  });

/**
 * The messages of `filter` after `afterSeq`, in stream order, up to the end of the stream as
 * each get finds it, or to `untilSeq`. Direct gets address the filter only: nothing else in the
 * stream is read. `last`, a message already fetched, is reused when the walk reaches it.
 */
export async function* messagesAfter({
  log,
  stream,
  filter,
  afterSeq,
  untilSeq = Number.POSITIVE_INFINITY,
  last,
}: {
  log: Log;
  stream: string;
  filter: string;
  afterSeq: number;
  untilSeq?: number;
  last?: StoredMsg | undefined;
}): AsyncGenerator<StoredMsg> {
  let cursor = afterSeq + 1;
  while (cursor <= untilSeq) {
    const msg =
      cursor === last?.seq
        ? last
        : await fromLog(log, () => log.jsm.direct.getMessage(stream, { seq: cursor, next_by_subj: filter }));
    if (!msg) return;
    yield msg;
    cursor = msg.seq + 1;
  }
}

export type Folded<S> = {
  state: S;
  /** Stream sequence of the aggregate's last event (0 for a subject with none left in the stream). */
  seq: number;
  /** Events folded by this call on top of the state it started from. */
  folded: number;
};

/**
 * The aggregate's current state: from `known` if given (a cached state, so no snapshot read),
 * else from its snapshot (any type may have one) or initial state, then one direct get of the subject's last message
 * and a walk through whatever came after.
 */
export async function foldAggregate<S, C, Env extends Envelope>({
  log,
  type,
  subject,
  known,
}: {
  log: Log;
  type: AggregateType<S, C, Env>;
  subject: string;
  known?: { state: S; seq: number } | undefined;
}): Promise<Folded<S>> {
  const stream = log.names.stream(type.domain);
  let state = type.decider.initialState;
  let seq = 0;
  if (known) ({ state, seq } = known);
  else {
    // Every type: the keeper snapshots each aggregate before its oldest events expire.
    const kept = await fromLog(log, () => readSnapshot<S>(log.snapshots, subject));
    if (kept) ({ state, seq } = kept);
  }
  const last = await fromLog(log, () => log.jsm.direct.getMessage(stream, { last_by_subj: subject }));
  // None of its events retained (they expired after the snapshot): the server checks an
  // expected sequence against 0 for it now, so that is its sequence.
  if (!last) return { state, seq: 0, folded: 0 };
  if (last.seq <= seq) return { state, seq: last.seq, folded: 0 };
  let folded = 0;
  for await (const msg of messagesAfter({
    log,
    stream,
    filter: subject,
    afterSeq: seq,
    untilSeq: last.seq,
    last,
  })) {
    const event = (await openEnvelopeReady(type.envelope, msg.data)).envelope.event;
    if (event.case !== undefined) state = type.decider.evolve(state, event as EventOf<Env>);
    seq = msg.seq;
    folded++;
  }
  return { state, seq, folded };
}

/**
 * The stream sequences at which `subject` holds messages published with these Nats-Msg-Ids:
 * what a command's first attempt appended, once the duplicate window no longer remembers it.
 * A walk over the whole subject: only a command resumed after a crash asks, and only of its
 * own aggregate.
 */
export async function appendedWith({
  log,
  stream,
  subject,
  msgIds,
}: {
  log: Log;
  stream: string;
  subject: string;
  msgIds: string[];
}): Promise<Map<string, number>> {
  const wanted = new Set(msgIds);
  const found = new Map<string, number>();
  for await (const msg of messagesAfter({ log, stream, filter: subject, afterSeq: 0 })) {
    const id = msg.header?.get('Nats-Msg-Id');
    if (id && wanted.has(id)) found.set(id, msg.seq);
  }
  return found;
}
