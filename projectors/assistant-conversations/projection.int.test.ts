// The assistant's conversations read model on real NATS and Postgres, fed by its writer: the
// turns as asked and answered, the words never on the stream in the clear, a rebuild equal to
// the live rows, and an erased member's words blanked (and a rebuild writes the same).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { found, streamBytes } from '../../test/erased.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type AssistantWriter, createAssistantWriter } from '../../writers/assistant/commands.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { erasureAggregate } from '../../writers/log/erasure.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { ASSISTANT_CONVERSATIONS, assistantConversationsProjection } from './projection.ts';
import { findConversation, usageSince } from './queries.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let writer: AssistantWriter;

const meta = (actorId: string): CommandMeta => ({
  commandId: randomUUID(),
  actorId,
  correlationId: 'test',
  now: new Date(),
});
const settled = async (seq: number) =>
  expect(await runner.waitFor(ASSISTANT_CONVERSATIONS, seq, 5000)).toBe(true);
const rows = async () => ({
  conversations: (
    await sql<
      Record<string, unknown>
    >`SELECT * FROM assistant_conversations.conversations ORDER BY conversation_id`.execute(rt.db)
  ).rows,
  turns: (
    await sql<
      Record<string, unknown>
    >`SELECT * FROM assistant_conversations.turns ORDER BY conversation_id, turn`.execute(rt.db)
  ).rows,
});
const c1 = randomUUID();

beforeAll(async () => {
  rt = await openTestRuntime();
  runner = await rt.runner([assistantConversationsProjection as unknown as AnyProjection]);
  writer = createAssistantWriter({ appender: createAppender({ log: rt.log }) });
  await writer.submit(
    {
      conversationId: c1,
      memberId: 'ann',
      role: 'child',
      model: 'm',
      prompt: 'Why is the sky blue?',
      turn: 1,
    },
    meta('ann'),
  );
  const { seq } = await writer.complete(
    {
      conversationId: c1,
      memberId: 'ann',
      turn: 1,
      model: 'm',
      answer: 'Rayleigh scattering.',
      promptTokens: 7,
      answerTokens: 3,
      durationMs: 50,
      cutOff: '',
      cached: false,
    },
    meta('ann'),
  );
  await settled(seq);
});
afterAll(() => rt.cleanup());

describe('the assistant’s conversations read model', () => {
  it('keeps each turn as asked and answered, and the usage', async () => {
    const found = await findConversation(rt.db, c1);
    expect(found?.conversation).toMatchObject({
      member_id: 'ann',
      role: 'child',
      turns: 1,
      title: 'Why is the sky blue?',
    });
    expect(found?.turns).toEqual([
      expect.objectContaining({
        turn: 1,
        prompt: 'Why is the sky blue?',
        answer: 'Rayleigh scattering.',
        answer_tokens: 3,
      }),
    ]);
    expect(await usageSince(rt.db, 'ann', new Date(0))).toEqual({
      requests: 1,
      tokens: 10,
      oldest: expect.any(Date),
    });
  });

  it('never writes the words on the stream in the clear', async () => {
    expect(
      found(await streamBytes(rt.log, 'assistant'), ['Why is the sky blue?', 'Rayleigh scattering.']),
    ).toEqual([]);
  });

  it('rebuilds from the log into the same rows', async () => {
    const before = await rows();
    expect(await runner.rebuild(ASSISTANT_CONVERSATIONS)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });

  it('blanks an erased member’s words, and a rebuild then writes the same', async () => {
    await rt.log.keys.erase('ann');
    const appended = await createAppender({ log: rt.log }).append({
      type: erasureAggregate('assistant'),
      id: 'ann',
      command: { memberId: 'ann', requestedBy: 'admin', requestedAtMs: Date.now() },
      meta: meta('admin'),
    });
    await settled(appended.seq);
    const text = JSON.stringify(await rows());
    expect(text).not.toContain('sky blue');
    expect(text).not.toContain('Rayleigh');
    const before = await rows();
    expect(await runner.rebuild(ASSISTANT_CONVERSATIONS)).toMatchObject({ status: 'done', remaining: 0 });
    expect(await rows()).toEqual(before);
  });
});
