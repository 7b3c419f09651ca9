// The family's settings read model on real NATS and Postgres, fed by the identity writer.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { createIdentityWriter, type IdentityWriter } from '../../writers/identity/commands.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { IDENTITY_FAMILY, identityFamilyProjection } from './projection.ts';
import { storedFamily } from './queries.ts';

let rt: TestRuntime;
let db: Kysely<unknown>;
let runner: ProjectorRunner;
let writer: IdentityWriter;

const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'admin1',
  correlationId: 'test',
  now: new Date(),
});
const settled = async (seq: number) => expect(await runner.waitFor(IDENTITY_FAMILY, seq, 5000)).toBe(true);

beforeAll(async () => {
  rt = await openTestRuntime();
  db = rt.db;
  runner = await rt.runner([identityFamilyProjection as unknown as AnyProjection]);
  writer = createIdentityWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('the family read model', () => {
  it('has nothing set before any admin chose', async () => {
    expect(await storedFamily(db)).toEqual({ name: null, signUp: null });
  });

  it('keeps the name and the policy, each as last set', async () => {
    await writer.changeFamily({ name: 'The Examples' }, meta());
    await writer.changeFamily({ signUp: { mode: 'domains', domains: ['family.test'] } }, meta());
    const { seq } = await writer.changeFamily(
      { name: 'The Example family', signUp: { mode: 'open', domains: [] } },
      meta(),
    );
    await settled(seq);
    expect(await storedFamily(db)).toEqual({
      name: 'The Example family',
      signUp: { mode: 'open', domains: [] },
    });
  });

  it('rebuilds from the log into the same settings', async () => {
    const { seq } = await writer.changeFamily(
      { signUp: { mode: 'domains', domains: ['grandma.test'] } },
      meta(),
    );
    await settled(seq);
    const before = await storedFamily(db);
    expect(before.signUp).toEqual({ mode: 'domains', domains: ['grandma.test'] });
    expect(await runner.rebuild(IDENTITY_FAMILY)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await storedFamily(db)).toEqual(before);
  });
});
