// A conversation on real NATS whose events have expired, its snapshot left (the log keeper's):
// a prompt under its id, the client's, is decided on that snapshot, so its owner keeps it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { createAppender } from '../log/append.ts';
import { type Log, openLog } from '../log/open.ts';
import { writeSnapshot } from '../log/snapshot.ts';
import { createAssistantWriter } from './commands.ts';
import { initialConversation } from './state.ts';

let nats: Awaited<ReturnType<typeof testNats>>;
let log: Log;
beforeAll(async () => {
  nats = await testNats();
  log = await openLog({ nc: nats.nc, names: nats.names });
});
afterAll(() => nats.cleanup());

let n = 0;
const meta = () => ({
  commandId: `conversation-${++n}`,
  actorId: 'x',
  correlationId: `conversation-${n}`,
  now: new Date(),
  retryable: false,
});
const prompt = (conversationId: string, memberId: string, fresh?: boolean) => ({
  conversationId,
  memberId,
  role: 'member',
  model: 'm',
  prompt: 'hi',
  turn: 1,
  ...(fresh !== undefined ? { fresh } : {}),
});

/**
 * Ann's conversation whose events expired: only the keeper's snapshot names her, and its
 * subject holds nothing (the stream refuses purges: no event is written at all).
 */
async function expired(conversationId: string) {
  const subject = log.names.assistant.conversation(conversationId);
  await writeSnapshot(log.snapshots, subject, {
    seq: 1,
    state: { ...initialConversation, memberId: 'ann', turns: 1, pendingTurns: [] },
  });
}

describe('a conversation whose events expired', () => {
  it('stays its owner’s: another member’s prompt under its id (the client’s) is refused', async () => {
    const id = 'expired-1';
    await expired(id);
    // Another edge: nothing of the conversation in its cache.
    const other = createAssistantWriter({ appender: createAppender({ log }) });
    await expect(other.submit(prompt(id, 'bob'), meta())).rejects.toMatchObject({
      code: 'assistant.not_yours',
    });
    await expect(other.submit(prompt(id, 'bob', false), meta())).rejects.toMatchObject({
      code: 'assistant.not_yours',
    });
    const info = await log.jsm.streams.info(log.names.stream('assistant'), {
      subjects_filter: log.names.assistant.conversation(id),
    });
    expect(info.state.subjects?.[log.names.assistant.conversation(id)] ?? 0).toBe(0);
  });

  it('a fresh id (the edge’s own) is not loaded before its first prompt, and is written', async () => {
    const writer = createAssistantWriter({ appender: createAppender({ log }) });
    const result = await writer.submit(prompt('fresh-1', 'bob', true), meta());
    expect(result.appended).toBe(1);
  });
});
