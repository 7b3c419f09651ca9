// One read of a domain's stream for the rebuilds that replay it together: each message is
// fetched and decoded once, into a window every rebuild reads at its own pace, up to its own
// bound (its live version's checkpoint). A rebuild alone is a group of one.
import type { Domain } from '../../contracts/subjects.ts';
import type { Log } from '../../writers/log/open.ts';
import { openSource, type Pulled, type Reader, reader, type Source } from './replay-window.ts';
import { abortable } from './sleep.ts';

export { beyondStream, type Pulled, WINDOW_BATCHES } from './replay-window.ts';

export type Replay = {
  /**
   * The next events at or below `upTo`, decoded ahead; one pull at a time. `hurry`: never wait
   * for a slower rebuild of the group (the switch reads its last stretch holding the live worker).
   */
  pull: (upTo: number, opts?: { hurry?: boolean }) => Promise<Pulled>;
  /** This rebuild reads no more: the others no longer wait for it. */
  close: () => void;
  /** Messages the group holds in memory for its rebuilds. */
  buffered: () => number;
};

/**
 * One rebuild's place in a group: it opens its replay from where its version starts, or leaves.
 * Once `signal` aborts, the open and every pull reject at once, and the member leaves the group.
 */
export type ReplayMember = {
  open: (input: { from: number; signal?: AbortSignal | undefined }) => Promise<Replay>;
  leave: () => void;
};

/**
 * A group of `size` rebuilds of read models on `domain`'s stream. The log is read once all of
 * them have opened (or left), from the earliest start among them.
 */
export function replayGroup(input: { log: Log; domain: Domain; size: number; batchSize: number }): {
  join: (readModel: string) => ReplayMember;
} {
  const { log, domain, batchSize } = input;
  const stream = log.names.stream(domain);
  let waiting = input.size;
  const readers: Reader[] = [];
  let opened: Promise<Source> | undefined;
  const ready: ((source: Promise<Source>) => void)[] = [];
  const startIfAll = () => {
    const open = readers.filter((r) => r.open);
    if (waiting > 0 || opened || ready.length === 0 || open.length === 0) return;
    const from = Math.min(...open.map((r) => r.from));
    opened = openSource({ log, stream, domain, from, batchSize, readers });
    opened.catch(() => undefined);
    for (const go of ready.splice(0)) go(opened);
  };
  return {
    join: (readModel) => {
      let state: 'joined' | 'open' | 'left' = 'joined';
      let me: Reader | undefined;
      const leave = () => {
        if (state === 'joined') waiting--;
        if (me) me.open = false;
        state = 'left';
        opened?.then(
          (s) => s.wake(),
          () => undefined,
        );
        startIfAll();
      };
      return {
        leave,
        open: async ({ from, signal }) => {
          if (state !== 'joined') throw new Error(`the replay of ${readModel} was opened or left already`);
          state = 'open';
          waiting--;
          const r = reader(readModel, from);
          me = r;
          readers.push(r);
          let started: ((source: Promise<Source>) => void) | undefined;
          const stop = () => {
            const i = ready.indexOf(started as never);
            if (i >= 0) ready.splice(i, 1);
            leave();
          };
          const waited = new Promise<Promise<Source>>((go) => {
            started = go;
            ready.push(go);
            startIfAll();
          });
          const s = await abortable(waited, signal, stop);
          return {
            pull: (upTo, opts) => abortable(s.pull(r, upTo, opts?.hurry === true), signal, leave),
            close: leave,
            buffered: s.buffered,
          };
        },
      };
    },
  };
}
