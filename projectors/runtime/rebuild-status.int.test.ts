// A rebuild's status says how much of the stream is left from where it has read to, not from
// how many events it applied: a read model that follows some subjects skips the others.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { rebuildStatus } from './rebuild.ts';
import { RUNTIME_SCHEMA, type RuntimeDB } from './tables.ts';

let t: TestRuntime;

beforeAll(async () => {
  t = await openTestRuntime();
  await t.runner([], { start: false });
});
afterAll(() => t?.cleanup());

describe('a rebuild status', () => {
  it('counts what remains from the position read to, however few events applied', async () => {
    const runtime = t.db as unknown as Kysely<RuntimeDB>;
    const db = runtime.withSchema(RUNTIME_SCHEMA);
    await db
      .insertInto('rebuilds')
      .values({
        read_model: 'some_model',
        status: 'running',
        processed: 5,
        position: 90,
        target_seq: 100,
        events_per_second: 5,
        finished_at: null,
        error: null,
      })
      .execute();
    const status = await rebuildStatus(runtime, 'some_model');
    // Nobody holds its lock here, so it reads as a rebuild whose process stopped.
    expect(status).toMatchObject({ processed: 5, targetSeq: 100, remaining: 10, etaSeconds: 2 });
  });
});
