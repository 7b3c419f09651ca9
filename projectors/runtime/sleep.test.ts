import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  it('leaves no listener on the signal once it has slept', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) await sleep(0, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when the signal aborts, and leaves no listener then either', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await slept;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not wait on a signal that has already aborted', async () => {
    const signal = AbortSignal.abort();
    await sleep(60_000, signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
