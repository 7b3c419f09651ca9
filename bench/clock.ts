// One clock for the bench's processes on this machine: performance.now() for resolution,
// shifted onto the wall clock at the instant Date.now() ticks, so two processes' readings
// compare to well under a millisecond (timeOrigin alone may drift from the wall clock).
import { performance } from 'node:perf_hooks';

export type SharedClock = {
  /** Milliseconds since the epoch, sub-millisecond resolution. */
  now: () => number;
  /** A performance.now() reading of this process on the shared clock. */
  fromPerf: (perf: number) => number;
};

export function sharedClock(): SharedClock {
  const offsets: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    let wall = before;
    while (wall === before) wall = Date.now();
    offsets.push(wall - performance.now());
  }
  // The median shrugs off a preemption between the two readings.
  const offset = offsets.sort((a, b) => a - b)[2] as number;
  return { now: () => performance.now() + offset, fromPerf: (perf) => perf + offset };
}
