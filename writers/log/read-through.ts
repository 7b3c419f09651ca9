// Reads aggregates through the log, always current: a cached state is checked with one direct
// get of the subject's last sequence, and only newer events are folded. Reads of one subject
// already on their way answer every caller that asks meanwhile (at most one round trip old,
// the same margin a read of one's own has against a change landing just after it).
import { fromBinary } from '@bufbuild/protobuf';
import type { Envelope, EventOf } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { type AggregateType, hashKey } from './append.ts';
import type { Log } from './open.ts';

export type Loaded<S> = { state: S; seq: number };

const CACHE_LIMIT = 10_000;

export function createReadThrough({ log, domain }: { log: Log; domain: Domain }) {
  const cache = new Map<string, Loaded<unknown>>();
  const reading = new Map<string, Promise<Loaded<unknown>>>();
  const stream = log.names.stream(domain);

  function load<S, C, Env extends Envelope>(type: AggregateType<S, C, Env>, id: string): Promise<Loaded<S>> {
    const subject = type.subject(log.names, id);
    const pending = reading.get(subject);
    if (pending) return pending as Promise<Loaded<S>>;
    const read = refresh(type, subject).finally(() => reading.delete(subject));
    reading.set(subject, read);
    return read;
  }

  async function refresh<S, C, Env extends Envelope>(
    type: AggregateType<S, C, Env>,
    subject: string,
  ): Promise<Loaded<S>> {
    let current = cache.get(subject) as Loaded<S> | undefined;
    if (!current) {
      current = { state: type.decider.initialState, seq: 0 };
      if (type.snapshot) {
        const entry = await log.snapshots.get(hashKey(subject));
        if (entry && entry.length > 0) current = entry.json<Loaded<S>>();
      }
    }
    const last = await log.jsm.direct.getMessage(stream, { last_by_subj: subject });
    if (!last || last.seq <= current.seq) return remember(subject, current);
    let { state, seq } = current;
    while (seq < last.seq) {
      const msg = (await log.jsm.direct.getMessage(stream, { seq: seq + 1, next_by_subj: subject })) ?? last;
      const event = fromBinary(type.envelope, msg.data).event as EventOf<Env> | { case: undefined };
      if (event.case !== undefined) state = type.decider.evolve(state, event as EventOf<Env>);
      seq = msg.seq;
    }
    return remember(subject, { state, seq });
  }

  function remember<S>(subject: string, loaded: Loaded<S>): Loaded<S> {
    cache.delete(subject);
    cache.set(subject, loaded);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    return loaded;
  }

  return {
    load,
    /** The subject was just changed through this process: later reads must not share an older one. */
    forget: (subject: string) => {
      reading.delete(subject);
    },
  };
}
