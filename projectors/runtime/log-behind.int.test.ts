// A hub that finds its read models past the end of their streams (the NATS store moved or
// lost, the database kept) refuses to start, saying which stream, where it ends and what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { LogBehindError } from './log-behind.ts';
import type { AnyProjection } from './types.ts';

const counted = {
  name: 'behind_check',
  domain: 'identity',
  migrations: {},
  apply: async () => {},
} as unknown as AnyProjection;

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime();
});
afterAll(() => rt.cleanup());

describe('a read model whose checkpoint is past the end of its stream', () => {
  it('stops the start with an error naming the stream, its end, the checkpoint and the remedy', async () => {
    for (let i = 0; i < 3; i++) await publishIdentity(rt.log, signedIn(`u${i}`));
    const first = await rt.runner([counted]);
    expect(await first.waitFor('behind_check', 3, 30_000)).toBe(true);
    await first.stop();
    // Starting again on the same log is fine.
    await rt.runner([counted], { start: false });

    // The store moved away (an upgrade into the HUB account): the stream begins again, empty.
    const stream = rt.log.names.stream('identity');
    const { config } = await rt.log.jsm.streams.info(stream);
    await rt.log.jsm.streams.delete(stream);
    await rt.log.jsm.streams.add(config);
    await publishIdentity(rt.log, signedIn('after'));

    const refused = rt.runner([counted], { start: false });
    await expect(refused).rejects.toBeInstanceOf(LogBehindError);
    await expect(refused).rejects.toThrow(
      `stream ${stream} ends at 1, before read model behind_check's checkpoint 3`,
    );
    await expect(refused).rejects.toThrow(
      /move the store.*mv \/data\/jetstream\/\\\$G \/data\/jetstream\/HUB/,
    );
  });
});
