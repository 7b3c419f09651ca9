import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_BACKOFF_MS, HAND_ON_AFTER_MS, HEALTHY_RUN_MS, workWhileLeading } from './held-worker.ts';

const quiet = { error: () => undefined };

/** Never aborts: a worker stopped by nothing. */
const NEVER = new AbortController().signal;

/** The worker under a held lead, on `link`, until `stopping`. */
const lead = (
  link: Parameters<typeof workWhileLeading>[0]['link'],
  stopping: AbortSignal,
  run: () => Promise<'gap' | undefined>,
) => workWhileLeading({ link, stopping, logger: quiet, readModel: 'rm', run });

function upLink() {
  let connection = new AbortController();
  let up = true;
  let back: (() => void) | undefined;
  return {
    link: {
      signal: () => connection.signal,
      up: () => up,
      whenUp: (signal?: AbortSignal) =>
        up
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              back = resolve;
              signal?.addEventListener('abort', () => resolve(), { once: true });
            }),
    },
    drop: () => {
      up = false;
      connection.abort();
    },
    restore: () => {
      up = true;
      connection = new AbortController();
      back?.();
    },
  };
}

describe('a read model worker while its lead is held', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts again after each failure, waiting longer each time, and sooner after a long run', async () => {
    const { link } = upLink();
    const stopping = new AbortController();
    const starts: number[] = [];
    let calls = 0;
    const done = lead(link, stopping.signal, async () => {
      starts.push(Date.now());
      calls++;
      if (calls === 4) await new Promise((r) => setTimeout(r, HEALTHY_RUN_MS));
      throw new Error('log node away');
    });
    await vi.advanceTimersByTimeAsync(FIRST_BACKOFF_MS * (1 + 2 + 4) + HEALTHY_RUN_MS + FIRST_BACKOFF_MS);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    // 500, 1000, 2000, then (it ran a while before failing) 500 again.
    expect(gaps).toEqual([
      FIRST_BACKOFF_MS,
      2 * FIRST_BACKOFF_MS,
      4 * FIRST_BACKOFF_MS,
      HEALTHY_RUN_MS + FIRST_BACKOFF_MS,
    ]);
    stopping.abort();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await done).toBe('stopped');
  });

  it('hands its lead on after a minute of failures without consuming', async () => {
    const { link } = upLink();
    const done = lead(link, NEVER, async () => {
      throw new Error('broken here');
    });
    await vi.advanceTimersByTimeAsync(HAND_ON_AFTER_MS + 30_000);
    expect(await done).toBe('handed on');
  });

  it('does not count a wait for the log as failing', async () => {
    const { link, drop, restore } = upLink();
    let calls = 0;
    const done = lead(link, NEVER, async () => {
      calls++;
      if (calls === 1) drop();
      throw new Error('failing');
    });
    await vi.advanceTimersByTimeAsync(HAND_ON_AFTER_MS * 2);
    restore();
    await vi.advanceTimersByTimeAsync(FIRST_BACKOFF_MS * 8);
    expect(calls).toBeGreaterThan(2);
    await vi.advanceTimersByTimeAsync(HAND_ON_AFTER_MS + 30_000);
    expect(await done).toBe('handed on');
  });

  it('waits for the log to be back rather than trying while it is away', async () => {
    const { link, drop, restore } = upLink();
    let calls = 0;
    const stopping = new AbortController();
    const done = lead(link, stopping.signal, async () => {
      calls++;
      if (calls === 1) {
        drop();
        throw new Error('connection closed');
      }
      return undefined;
    });
    await vi.advanceTimersByTimeAsync(10 * FIRST_BACKOFF_MS);
    expect(calls).toBe(1);
    restore();
    await vi.advanceTimersByTimeAsync(0);
    // Back, the worker ran again and ended on its own, its connection still up: the lead is let go.
    expect(await done).toBe('stopped');
    expect(calls).toBe(2);
  });

  it('stops at once, without starting again, when stopped during its wait', async () => {
    const { link } = upLink();
    const stopping = new AbortController();
    let calls = 0;
    const done = lead(link, stopping.signal, async () => {
      calls++;
      throw new Error('failing');
    });
    await vi.advanceTimersByTimeAsync(FIRST_BACKOFF_MS / 2);
    stopping.abort();
    expect(await done).toBe('stopped');
    expect(calls).toBe(1);
  });

  it('starts again at once after a delivery gap', async () => {
    const { link } = upLink();
    const results: ('gap' | undefined)[] = ['gap', 'gap', undefined];
    let calls = 0;
    const done = lead(link, NEVER, async () => results[calls++]);
    expect(await done).toBe('stopped');
    expect(calls).toBe(3);
  });
});
