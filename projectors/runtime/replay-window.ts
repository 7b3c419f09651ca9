// The window a replay group reads from: one consumer on the stream, its messages fetched and
// decoded once, kept until every rebuild still placed in it has read them (replay-source.ts).
import { DeliverPolicy } from '@nats-io/jetstream';
import { commonErrors } from '../../contracts/errors.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { type RawMessage, toRaw } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { decoded } from './apply.ts';

/** What a pull hands back. */
export type Pulled = {
  batch: RawMessage[];
  /** True when nothing more at or below the bound is left to read. */
  done: boolean;
};

/** The live checkpoint is past the stream's end: the rebuild fails instead of waiting forever. */
export const beyondStream = (readModel: string, checkpoint: number, last: number) =>
  commonErrors.invalidRequest(
    `Read model ${readModel} stands at sequence ${checkpoint}, past the last one its stream holds (${last}): ` +
      'the stream was restored or recreated, so no replay can reach it.',
  );

/** How far, in batches, the fastest rebuild of a group may read ahead of the slowest. */
const AHEAD_BATCHES = 16;
/** Batches fetched ahead of the rebuild furthest on, unasked. */
const READ_AHEAD = 2;
/** The most batches the window holds: past it, the rebuilds that stopped reading let go. */
export const WINDOW_BATCHES = AHEAD_BATCHES + READ_AHEAD + 4;

export type Reader = {
  name: string;
  from: number;
  /** Its place in the window, and the last sequence it was handed. */
  at: number;
  last: number;
  open: boolean;
  idle: boolean;
  /** It let go of its place in the window, and reads on its own (from `last`) if it reads again. */
  detached: boolean;
  alone?: { reader: Reader; source: Promise<Source> };
};

export const reader = (name: string, from: number, last = from): Reader => ({
  name,
  from,
  at: 0,
  last,
  open: true,
  idle: false,
  detached: false,
});

export type Source = {
  pull: (reader: Reader, upTo: number, hurry: boolean) => Promise<Pulled>;
  /** Something changed for the readers waiting on a slower one. */
  wake: () => void;
  buffered: () => number;
};

export async function openSource(input: {
  log: Log;
  stream: string;
  domain: Domain;
  from: number;
  batchSize: number;
  readers: Reader[];
}): Promise<Source> {
  const { log, stream, domain, from, batchSize, readers } = input;
  const info = await log.jsm.streams.info(stream);
  // No filter when it is all the stream holds: nats-server 2.9 walks every subject of the
  // stream for a filtered consumer's pending count (see ensureConsumer in worker.ts).
  const filter = log.names.domainFilter(domain);
  const { subjects = [] } = info.config;
  const whole = subjects.length === 1 && subjects[0] === filter;
  const consumer = await log.js.consumers.get(stream, {
    ...(whole ? {} : { filter_subjects: filter }),
    ...(from === 0
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 }),
  });
  // The window: messages fetched and not yet read by every open reader. `base` is the index,
  // counted from the first message ever fetched, of window[0]; a reader's `at` counts alike.
  let window: RawMessage[] = [];
  let base = 0;
  // The highest sequence known read: every message of the stream at or below it is fetched.
  let fetched = from;
  let fetching: Promise<void> | undefined;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const end = () => base + window.length;
  // A reader that has reached its bound (it verifies, say) holds its place in the window but
  // keeps no one waiting: when it reads again the window is only a little longer. Held long
  // enough, that place would pin the window without limit: past WINDOW_BATCHES it lets go of it.
  const placed = (r: Reader) => r.open && !r.detached;
  const slowest = (reading = false) =>
    Math.min(end(), ...readers.filter((r) => placed(r) && !(reading && r.idle)).map((r) => r.at));
  const trim = () => {
    if (window.length > batchSize * WINDOW_BATCHES)
      for (const r of readers)
        if (placed(r) && r.idle && end() - r.at >= batchSize * AHEAD_BATCHES) r.detached = true;
    const drop = slowest() - base;
    if (drop >= batchSize * 4 || (drop > 0 && drop === window.length)) {
      window = window.slice(drop);
      base += drop;
    }
  };

  // Nothing left to read below the bound. Sequences up to it that never come are other
  // subjects' or expired, unless the stream ends before the bound: the live checkpoint is past
  // what the stream holds (a stream restored or recreated), and no replay can reach it.
  const exhausted = async (reader: Reader, upTo: number) => {
    const last = (await log.jsm.streams.info(stream)).state.last_seq;
    if (last < upTo) throw beyondStream(reader.name, upTo, last);
    fetched = Math.max(fetched, upTo);
  };
  const fetchMore = async (reader: Reader, upTo: number) => {
    // Asking for no more than remains lets the last fetch return at once instead of expiring.
    let max = Math.max(1, Math.min(batchSize, upTo - fetched));
    // On the last stretch the sequences left overcount the messages (expired ones, other
    // subjects'): the consumer says how many there are, so the fetch ends when they are in.
    if (upTo - fetched <= batchSize) {
      const pending = (await consumer.info()).num_pending;
      if (pending === 0) return exhausted(reader, upTo);
      max = Math.min(max, pending);
    }
    const out: RawMessage[] = [];
    const iter = await consumer.fetch({ max_messages: max, expires: 1000 });
    for await (const m of iter) out.push(toRaw(m));
    // Nothing came: either nothing is left to read (then the bound must be within the stream)
    // or the fetch expired first (the caller tries again, and may be cancelled meanwhile).
    if (out.length === 0 && (await consumer.info()).num_pending === 0) return exhausted(reader, upTo);
    // Decoded once here, for every rebuild of the group.
    for (const m of out) decoded(domain, stream, m);
    if (out.length > 0) fetched = Math.max(fetched, (out.at(-1) as RawMessage).seq);
    for (const m of out) window.push(m);
    trim();
  };

  // The next batch fetched and decoded while the rebuilds write this one, so the log's round
  // trip overlaps the database's. Never on the last stretch, whose end pull() works out.
  const readAhead = (reader: Reader, upTo: number) => {
    if (fetching || upTo - fetched <= batchSize) return;
    const leading = Math.max(...readers.filter(placed).map((r) => r.at));
    if (end() - leading >= batchSize * READ_AHEAD) return;
    if (end() - slowest(true) >= batchSize * AHEAD_BATCHES) return;
    fetching = fetchMore(reader, upTo).finally(() => {
      fetching = undefined;
      wake();
    });
    fetching.catch(() => undefined); // the next pull fetches again, and meets the error itself
  };

  // A reader that let go of its place reads on, from where it stood, through a source of its own.
  const pullAlone = async (r: Reader, upTo: number, hurry: boolean): Promise<Pulled> => {
    if (!r.alone) {
      const solo = reader(r.name, r.from, r.last);
      r.alone = { reader: solo, source: openSource({ ...input, from: r.last, readers: [solo] }) };
    }
    const { reader: solo, source } = r.alone;
    solo.open = r.open;
    const pulled = await (await source).pull(solo, upTo, hurry);
    r.last = solo.last;
    return pulled;
  };

  const pull = async (reader: Reader, upTo: number, hurry: boolean): Promise<Pulled> => {
    if (reader.detached) return pullAlone(reader, upTo, hurry);
    reader.idle = false;
    for (;;) {
      // It left (cancelled, say) while it waited: nothing more is read for it.
      if (!reader.open) return { batch: [], done: true };
      let i = reader.at - base;
      while (i < window.length && (window[i] as RawMessage).seq <= reader.from) i++;
      reader.at = base + i;
      if (i < window.length) {
        const batch: RawMessage[] = [];
        while (i < window.length && batch.length < batchSize && (window[i] as RawMessage).seq <= upTo)
          batch.push(window[i++] as RawMessage);
        reader.at = base + i;
        if (batch.length > 0) reader.last = (batch.at(-1) as RawMessage).seq;
        const done =
          (i < window.length && (window[i] as RawMessage).seq > upTo) ||
          (reader.at === end() && fetched >= upTo);
        reader.idle = done;
        trim();
        wake();
        if (!done) readAhead(reader, upTo);
        return { batch, done };
      }
      if (fetched >= upTo) {
        reader.idle = true;
        wake();
        return { batch: [], done: true };
      }
      // One fetch at a time: whoever comes while it runs reads what it brings.
      if (fetching) {
        await fetching.catch(() => undefined);
        continue;
      }
      // Far ahead of the slowest reader still reading: wait for it rather than hold the stream.
      if (!hurry && end() - slowest(true) >= batchSize * AHEAD_BATCHES) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      const before = end();
      fetching = fetchMore(reader, upTo).finally(() => {
        fetching = undefined;
      });
      await fetching;
      wake();
      // A fetch that expired with nothing comes back empty, so a cancel is heard between tries.
      if (end() === before && fetched < upTo) return { batch: [], done: false };
    }
  };
  return { pull, wake, buffered: () => window.length };
}
