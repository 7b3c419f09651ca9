// The replay a group of rebuilds shares, on real NATS: a member that stops reading (it
// verifies, say) does not hold the window without limit, and reads on by itself later; a
// member whose rebuild is cancelled stops waiting at once, however slow another member is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type Replay, replayGroup, WINDOW_BATCHES } from './replay-source.ts';

const BATCH = 10;
const EVENTS = 400;

let rt: TestRuntime;
let all: number[] = [];
const last = () => all.at(-1) as number;
const group = (size: number) => replayGroup({ log: rt.log, domain: 'identity', size, batchSize: BATCH });

/** Every sequence the replay hands over up to `upTo`; `each` looks on after every pull. */
async function drain(replay: Replay, upTo: number, each?: () => void): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const { batch, done } = await replay.pull(upTo);
    out.push(...batch.map((m) => m.seq));
    each?.();
    if (done) return out;
  }
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still waiting')), ms)),
  ]);

beforeAll(async () => {
  rt = await openTestRuntime();
  for (let i = 0; i < EVENTS / 50; i++)
    all.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, (_, j) => publishIdentity(rt.log, signedIn('u', `s${i}-${j}`))),
      )),
    );
  all = all.sort((a, b) => a - b);
}, 60_000);
afterAll(() => rt.cleanup());

describe('a replay shared by rebuilds', () => {
  it('holds a bounded window while one member has stopped reading, and that one reads on later', async () => {
    const g = group(2);
    const [paused, reading] = await Promise.all([
      g.join('paused').open({ from: 0 }),
      g.join('reading').open({ from: 0 }),
    ]);
    const bound = all[2 * BATCH - 1] as number;
    const first = await drain(paused, bound);
    let most = 0;
    const seen = await drain(reading, last(), () => {
      most = Math.max(most, reading.buffered());
    });
    expect(most).toBeLessThanOrEqual(BATCH * (WINDOW_BATCHES + 1));
    expect(seen).toEqual(all);
    // It reads on from where it stood: every event once, in order.
    expect([...first, ...(await drain(paused, last()))]).toEqual(all);
  }, 60_000);

  it('stops waiting for a member that has not opened yet once its rebuild is cancelled', async () => {
    const g = group(2);
    const slow = g.join('slow');
    const cancel = new AbortController();
    const opening = g.join('cancelled').open({ from: 0, signal: cancel.signal });
    opening.catch(() => undefined);
    setTimeout(() => cancel.abort(new Error('cancelled')), 50);
    await expect(within(1000, opening)).rejects.toThrow('cancelled');
    // The group goes on without it.
    expect(await drain(await slow.open({ from: 0 }), last())).toEqual(all);
  }, 60_000);

  it('stops waiting for a slower member once its rebuild is cancelled', async () => {
    const g = group(2);
    const cancel = new AbortController();
    const [ahead, slow] = await Promise.all([
      g.join('ahead').open({ from: 0, signal: cancel.signal }),
      g.join('slow').open({ from: 0 }),
    ]);
    const reading = drain(ahead, last());
    reading.catch(() => undefined);
    // It reads until it is as far ahead of the slow one as the group allows, then waits.
    await new Promise((r) => setTimeout(r, 500));
    cancel.abort(new Error('cancelled'));
    await expect(within(1000, reading)).rejects.toThrow('cancelled');
    expect(await drain(slow, last())).toEqual(all);
  }, 60_000);
});
