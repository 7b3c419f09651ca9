// Reads aggregates through the log, always current: a cached state is checked with one direct
// get of the subject's last sequence, and only newer events are folded. Reads of one subject
// already on their way answer every caller that asks meanwhile (at most one round trip old,
// the same margin a read of one's own has against a change landing just after it). A read that
// fails (the connection dropped under it, or it timed out) is nobody's answer afterwards: the
// next caller starts a read of its own.
import { LRUCache } from 'lru-cache';
import type { Envelope } from '../../contracts/events.ts';
import type { AggregateType } from './append.ts';
import { foldAggregate } from './fold.ts';
import type { Log } from './open.ts';

export type Loaded<S> = { state: S; seq: number };

const CACHE_LIMIT = 10_000;

export function createReadThrough({ log }: { log: Log }) {
  const cache = new LRUCache<string, Loaded<unknown>>({ max: CACHE_LIMIT });
  const reading = new Map<string, Promise<Loaded<unknown>>>();

  function load<S, C, Env extends Envelope>(type: AggregateType<S, C, Env>, id: string): Promise<Loaded<S>> {
    const subject = type.subject(log.names, id);
    const pending = reading.get(subject);
    if (pending) return pending as Promise<Loaded<S>>;
    const read = refresh(type, subject);
    reading.set(subject, read);
    // Only this read's own entry: one started after forget() may have taken its place.
    const settled = () => {
      if (reading.get(subject) === read) reading.delete(subject);
    };
    read.then(settled, settled);
    return read;
  }

  async function refresh<S, C, Env extends Envelope>(
    type: AggregateType<S, C, Env>,
    subject: string,
  ): Promise<Loaded<S>> {
    const known = cache.get(subject) as Loaded<S> | undefined;
    const { state, seq, folded } = await foldAggregate({ log, type, subject, known });
    // Unchanged, the cached entry stays the answer (callers may compare by identity).
    const loaded = known && folded === 0 ? known : { state, seq };
    cache.set(subject, loaded);
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
