import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import type { ProjectorRunner } from './runner.ts';
import type { AnyProjection, Projection } from './types.ts';

// A read model that records how many events each of its transactions held.
const batches: number[] = [];
const counted: Projection<Record<string, never>, IdentityEvent> = {
  name: 'batches_seen',
  domain: 'identity',
  migrations: {},
  apply: async (events) => {
    batches.push(events.length);
  },
};

let rt: TestRuntime;
let runner: ProjectorRunner;

beforeAll(async () => {
  rt = await openTestRuntime();
  // Long enough that the events below, published together, always land within it.
  runner = await rt.runner([counted as unknown as AnyProjection], { lingerMs: 3_000 });
});
afterAll(() => rt.cleanup());

describe('a read model under a steady trickle of events', () => {
  it('takes a lone event at once, then gathers those that follow within the linger into one batch', async () => {
    const first = await publishIdentity(rt.log, signedIn('u', 'first'));
    expect(await runner.waitFor('batches_seen', first, 5_000)).toBe(true);
    expect(batches).toEqual([1]);
    const seqs = await Promise.all(
      ['a', 'b', 'c', 'd'].map((s) => publishIdentity(rt.log, signedIn('u', s))),
    );
    expect(await runner.waitFor('batches_seen', Math.max(...seqs), 10_000)).toBe(true);
    expect(batches).toEqual([1, 4]);
  });
});
