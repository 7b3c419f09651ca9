// What this process needs on the server, each with the way to make it: the domain streams and
// the KV buckets. A nats-server restarted without its store has lost them all, and one merely
// restarted has lost every memory bucket (tickets, presence); nothing else would make them
// again before the hub itself restarts.
import type { JetStreamManager } from '@nats-io/jetstream';

export type Need = {
  /** The JetStream stream behind it (a bucket's is KV_<bucket>). */
  stream: string;
  make: () => Promise<unknown>;
};

export type Upkeep = {
  need: (need: Need) => void;
  /** Makes whatever is missing; one run at a time (later callers share it). Answers what it made. */
  restore: () => Promise<string[]>;
  /** The streams needed and not found, for /ready. */
  missing: () => Promise<string[]>;
};

export function createUpkeep({ jsm }: { jsm: JetStreamManager }): Upkeep {
  const needs = new Map<string, Need>();
  let running: Promise<string[]> | undefined;

  const exists = (stream: string): Promise<boolean> =>
    jsm.streams.info(stream).then(
      () => true,
      (err: unknown) => {
        if (isStreamNotFound(err)) return false;
        throw err;
      },
    );

  async function run(): Promise<string[]> {
    const outcomes = await Promise.allSettled(
      [...needs.values()].map(async ({ stream, make }) => {
        if (await exists(stream)) return undefined;
        await make();
        return stream;
      }),
    );
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    if (failed.length > 0) throw new AggregateError(failed, 'the log could not be restored');
    return outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
  }

  return {
    need: (need) => {
      needs.set(need.stream, need);
    },
    restore: () => {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    missing: async () => {
      const found = await Promise.all([...needs.keys()].map(async (s) => ((await exists(s)) ? [] : [s])));
      return found.flat();
    },
  };
}

export function isStreamNotFound(err: unknown): boolean {
  return (
    err instanceof Error && (err.name === 'StreamNotFoundError' || /stream not found/i.test(err.message))
  );
}
