// Deliveries a worker never received (another puller took them, as a pull lost with a killed
// consumer leader would): the worker sees its deliveries jump, follows again from the
// checkpoint, and applies them at once, in order, never waiting out the ack wait (30 s here,
// as in production) and never skipping them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { consumerName } from './consumer.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

const seen: number[] = [];
const recorded: Projection<Record<string, never>, IdentityEvent> = {
  name: 'deliveries_seen',
  domain: 'identity',
  migrations: {},
  apply: async (events) => {
    for (const e of events) seen.push(e.seq);
  },
};

const projection = recorded as unknown as AnyProjection;
let rt: TestRuntime;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([projection], { ackWaitMs: 30_000 });
});
afterAll(() => rt.cleanup());

describe('a worker whose deliveries skip some', () => {
  it('follows again from the checkpoint and applies the ones it never received, in order', async () => {
    const first = await publishIdentity(rt.log, signedIn('u', 'first'));
    expect(await runner.waitFor(recorded.name, first, 10_000)).toBe(true);
    const consumer = await rt.log.js.consumers.get(rt.log.names.stream('identity'), consumerName(projection));
    // A puller beside the worker: what it takes, it never acknowledges.
    const stolen: number[] = [];
    // The worker, seeing the jump, makes the consumer again: the puller's fetch then ends.
    const thief = (async () => {
      const batch = await consumer.fetch({ max_messages: 2, expires: 3_000 });
      for await (const m of batch) stolen.push(m.seq);
    })().catch(() => undefined);
    const seqs: number[] = [];
    for (let i = 0; i < 40 && stolen.length < 2; i++) {
      seqs.push(await publishIdentity(rt.log, signedIn('u', `s${i}`)));
      await new Promise((r) => setTimeout(r, 20));
    }
    await thief;
    expect(stolen.length).toBeGreaterThan(0);
    const last = await publishIdentity(rt.log, signedIn('u', 'last'));
    const started = Date.now();
    expect(await runner.waitFor(recorded.name, last, 15_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    const after = seen.filter((s) => s > first);
    expect(after).toEqual([...seqs, last]);
  }, 30_000);
});
