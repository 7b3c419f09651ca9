// Members' preferences read model on real NATS and Postgres, fed by the preferences writer.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { found, streamBytes } from '../../test/erased.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { erasureAggregate } from '../../writers/log/erasure.ts';
import { createPreferencesWriter, type PreferencesWriter } from '../../writers/preferences/commands.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { PREFERENCES_MEMBERS, preferencesMembersProjection } from './projection.ts';
import { defaultPreferences, memberPreferences } from './queries.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let writer: PreferencesWriter;

const meta = (actorId: string): CommandMeta => ({
  commandId: randomUUID(),
  actorId,
  correlationId: 'test',
  now: new Date(),
});
const settled = async (seq: number) =>
  expect(await runner.waitFor(PREFERENCES_MEMBERS, seq, 5000)).toBe(true);
const rows = async () =>
  (
    await sql<Record<string, unknown>>`SELECT * FROM preferences_members.members ORDER BY member_id`.execute(
      rt.db,
    )
  ).rows;

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([preferencesMembersProjection as unknown as AnyProjection]);
  writer = createPreferencesWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('the members’ preferences read model', () => {
  it('answers the defaults for a member who never chose', async () => {
    expect(await memberPreferences(rt.db, 'nobody')).toEqual(defaultPreferences('nobody'));
  });

  it('keeps each preference as last changed, the others untouched', async () => {
    await writer.change({ memberId: 'ann', theme: 'dark', assistantModel: 'llama3.1:8b' }, meta('ann'));
    await writer.change({ memberId: 'ann', language: 'de', timeZone: 'Europe/Berlin' }, meta('ann'));
    const { seq } = await writer.change(
      { memberId: 'ann', theme: 'light', assistantPrompt: 'Answer in one sentence.' },
      meta('ann'),
    );
    await writer.change({ memberId: 'bob', theme: 'dark' }, meta('bob'));
    await settled(seq);
    expect(await memberPreferences(rt.db, 'ann')).toEqual({
      member_id: 'ann',
      theme: 'light',
      language: 'de',
      time_zone: 'Europe/Berlin',
      assistant_model: 'llama3.1:8b',
      assistant_prompt: 'Answer in one sentence.',
      seq,
    });
  });

  it('never writes the prompt on the stream in the clear', async () => {
    expect(found(await streamBytes(rt.log, 'preferences'), ['Answer in one sentence.'])).toEqual([]);
  });

  it('writes nothing for a change to what the member already has', async () => {
    const before = await memberPreferences(rt.db, 'ann');
    const result = await writer.change({ memberId: 'ann', theme: 'light', language: 'de' }, meta('ann'));
    expect(result.appended).toBe(0);
    expect(result.seq).toBe(before.seq);
  });

  it('rebuilds from the log into the same rows', async () => {
    const { seq } = await writer.change(
      { memberId: 'cat', timeZone: 'UTC', assistantPrompt: '' },
      meta('cat'),
    );
    await settled(seq);
    const before = await rows();
    expect(await runner.rebuild(PREFERENCES_MEMBERS)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });

  it('blanks an erased member’s prompt, and a rebuild then writes the same', async () => {
    await rt.log.keys.erase('ann');
    const appended = await createAppender({ log: rt.log }).append({
      type: erasureAggregate('preferences'),
      id: 'ann',
      command: { memberId: 'ann', requestedBy: 'admin', requestedAtMs: Date.now() },
      meta: meta('admin'),
    });
    await settled(appended.seq);
    const ann = await memberPreferences(rt.db, 'ann');
    expect(ann).toMatchObject({ theme: 'light', language: 'de', assistant_prompt: '' });
    expect(JSON.stringify(await rows())).not.toContain('Answer in one sentence.');
    const before = await rows();
    expect(await runner.rebuild(PREFERENCES_MEMBERS)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });
});
