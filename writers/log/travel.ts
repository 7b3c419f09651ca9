// Time travel: one aggregate's state as it stood at a stream sequence or a moment, folded
// through the writers' own evolve. Personal fields stay sealed (as in read-events.ts), so a
// state shows them empty; which fields those were is told beside it.
import { commonErrors } from '../../contracts/errors.ts';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import type { AggregateType } from './append.ts';
import { decodeEnvelope } from './decode.ts';
import { eventDesc } from './encode.ts';
import { messagesAfter } from './fold.ts';
import { toUnavailable } from './link.ts';
import type { Log } from './open.ts';
import { keyErased } from './read-events.ts';
import { personalFields } from './seal.ts';
import { readSnapshot } from './snapshot.ts';

export type Travelled<S> = {
  state: S;
  /** Sequence of the last event folded (0: none). */
  version: number;
  /** Events folded on top of the initial state or the snapshot. */
  folded: number;
  /** Personal fields of folded events, left empty in the state: withheld, or erased. */
  withheld: string[];
  erased: boolean;
  /**
   * True when the stream's oldest events have left it and the state starts from the
   * aggregate's snapshot, which may be later than the moment asked for (see version).
   */
  fromSnapshot: boolean;
};

/** Events one travel folds at most: a longer history is refused, not folded for minutes. */
export const MAX_FOLDED = 50_000;

/** The state at `atSeq` (inclusive) or at `atTime` (events stored at or before it); now if neither. */
export async function foldAt<S, C, Env extends Envelope>({
  log,
  type,
  subject,
  atSeq = Number.POSITIVE_INFINITY,
  atTime,
  maxFolded = MAX_FOLDED,
  signal,
}: {
  log: Log;
  type: AggregateType<S, C, Env>;
  subject: string;
  atSeq?: number | undefined;
  atTime?: Date | undefined;
  maxFolded?: number;
  /** The request's: a client that left stops the fold. */
  signal?: AbortSignal | undefined;
}): Promise<Travelled<S>> {
  const stream = log.names.stream(type.domain);
  const reach = <T>(read: () => Promise<T>) =>
    log.link.reach(read).catch((err: unknown) => {
      throw toUnavailable(err);
    });
  const info = await reach(() => log.jsm.streams.info(stream));
  let state = type.decider.initialState;
  let version = 0;
  let fromSnapshot = false;
  // Only when the stream no longer holds its beginning: else every event is still there to
  // fold. The snapshot may be later than the moment asked for; the answer says so (version).
  if (info.state.first_seq > 1) {
    const kept = await reach(() => readSnapshot<S>(log.snapshots, subject));
    if (kept) {
      ({ state, seq: version } = kept);
      fromSnapshot = true;
    }
  }
  const until = Math.min(atSeq, info.state.last_seq);
  const withheld = new Set<string>();
  let erased = false;
  let folded = 0;
  for await (const msg of messagesAfter({
    log,
    stream,
    filter: subject,
    afterSeq: version,
    untilSeq: until,
  })) {
    if (atTime && msg.time.getTime() > atTime.getTime()) break;
    signal?.throwIfAborted();
    if (folded >= maxFolded)
      throw commonErrors.tooManyEvents(
        `More than ${maxFolded} events to fold; travel to an earlier at_seq or at_time, or read the history page by page.`,
        { limit: maxFolded },
      );
    const envelope = decodeEnvelope(type.envelope, msg.data);
    const event = envelope.event as EventOf<Env> & { case?: string; value?: { $typeName: string } };
    const sealed = envelope.metadata?.sealed;
    if (sealed?.keyId && event.case && event.value) {
      const desc = eventDesc(type.envelope, event.value.$typeName);
      for (const f of personalFields(desc)) withheld.add(`${event.case}.${f}`);
      if (await keyErased(sealed.keyId)) erased = true;
    }
    if (event.case !== undefined) state = type.decider.evolve(state, event);
    version = msg.seq;
    folded++;
  }
  return { state, version, folded, withheld: [...withheld], erased, fromSnapshot };
}
