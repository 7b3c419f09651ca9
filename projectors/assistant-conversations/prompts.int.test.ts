// The admins' system prompts in the assistant read model on real NATS and Postgres, fed by its
// writer: the current version of each, every version kept, removal, the children's prompt as a
// child's conversation reads it, and a rebuild equal to the live rows.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type AssistantWriter, createAssistantWriter } from '../../writers/assistant/commands.ts';
import type { PromptCommand } from '../../writers/assistant/prompts.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { ASSISTANT_CONVERSATIONS, assistantConversationsProjection } from './projection.ts';
import { childrenPrompt, findSystemPrompt, listSystemPrompts } from './prompt-queries.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let writer: AssistantWriter;

const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'admin',
  correlationId: 'test',
  now: new Date(),
});
const run = async (command: PromptCommand) => {
  const { seq } = await writer.prompts(command, meta());
  expect(await runner.waitFor(ASSISTANT_CONVERSATIONS, seq, 5000)).toBe(true);
  return seq;
};
/** The children's prompt, checking the read says it has applied the last prompts event. */
const childrens = async (last: number) => {
  const { prompt, appliedSeq } = await childrenPrompt(rt.db);
  expect(appliedSeq).toBe(last);
  return prompt;
};
const rows = async () =>
  Object.fromEntries(
    await Promise.all(
      ['system_prompts', 'system_prompt_versions', 'children_prompt'].map(async (table) => [
        table,
        (
          await sql<
            Record<string, unknown>
          >`SELECT * FROM ${sql.table(`${ASSISTANT_CONVERSATIONS}.${table}`)} ORDER BY 1, 2`.execute(rt.db)
        ).rows,
      ]),
    ),
  );
const kind = randomUUID();
const brief = randomUUID();
const save = (promptId: string, expectedVersion: number, text: string, name = 'Kind'): PromptCommand => ({
  type: 'save',
  promptId,
  expectedVersion,
  name,
  text,
  by: 'admin',
});

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([assistantConversationsProjection as unknown as AnyProjection]);
  writer = createAssistantWriter({ appender: createAppender({ log: rt.log }) });
});
afterAll(() => rt.cleanup());

describe('the system prompts read model', () => {
  it('keeps the current version of each prompt and every version saved', async () => {
    await run(save(kind, 0, 'Be kind.'));
    await run(save(kind, 1, 'Be kind and patient.', 'Kind and patient'));
    await run(save(brief, 0, 'Be brief.', 'Brief'));
    const list = await listSystemPrompts(rt.db);
    expect(list.childrenPromptId).toBe('');
    expect(list.prompts.map((p) => [p.name, p.version, p.text])).toEqual([
      ['Brief', 1, 'Be brief.'],
      ['Kind and patient', 2, 'Be kind and patient.'],
    ]);
    const found = await findSystemPrompt(rt.db, kind);
    expect(found?.prompt).toMatchObject({ version: 2, removed: false, updated_by: 'admin' });
    expect(found?.versions.map((v) => [v.version, v.name, v.text])).toEqual([
      [2, 'Kind and patient', 'Be kind and patient.'],
      [1, 'Kind', 'Be kind.'],
    ]);
  });

  it("gives a child's conversation the children's prompt at its current version", async () => {
    const before = await childrenPrompt(rt.db);
    expect(before.prompt).toBeUndefined();
    expect(before.appliedSeq).toBeGreaterThan(0);
    const chosen = await run({ type: 'setChildren', promptId: kind, by: 'admin' });
    expect(await childrens(chosen)).toEqual({
      prompt_id: kind,
      version: 2,
      text: 'Be kind and patient.',
    });
    const saved = await run(save(kind, 2, 'Be kind, patient and short.'));
    expect(await childrens(saved)).toEqual({
      prompt_id: kind,
      version: 3,
      text: 'Be kind, patient and short.',
    });
    expect((await listSystemPrompts(rt.db)).childrenPromptId).toBe(kind);
  });

  it('removes a prompt from the list, keeps its versions, and the children then have none', async () => {
    const removed = await run({ type: 'remove', promptId: kind, expectedVersion: 3, by: 'admin' });
    expect((await listSystemPrompts(rt.db)).prompts.map((p) => p.name)).toEqual(['Brief']);
    expect((await listSystemPrompts(rt.db)).childrenPromptId).toBe('');
    const found = await findSystemPrompt(rt.db, kind);
    expect(found?.prompt.removed).toBe(true);
    expect(found?.versions).toHaveLength(3);
    expect(await childrens(removed)).toBeUndefined();
  });

  it('rebuilds from the log into the same rows', async () => {
    const before = await rows();
    expect(before.system_prompt_versions).toHaveLength(4);
    const { appliedSeq } = await childrenPrompt(rt.db);
    expect(await runner.rebuild(ASSISTANT_CONVERSATIONS)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
    expect((await childrenPrompt(rt.db)).appliedSeq).toBe(appliedSeq);
  });
});
