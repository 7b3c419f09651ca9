// How many system prompts a family keeps: a create past MAX_SYSTEM_PROMPTS live prompts is
// refused with 409 in the envelope, and the list stays as it was.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemPromptsAnswer } from '../../contracts/assistant.api.ts';
import { MAX_SYSTEM_PROMPTS } from '../../contracts/assistant.schema.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { createAssistantWriter } from '../../writers/assistant/commands.ts';

let t: TestHub;
let admin: TestClient;

const PROMPTS = '/api/v1/admin/assistant/prompts';
const list = async () => {
  const res = await admin.request(PROMPTS);
  expect(res.status).toBe(200);
  return (await res.json()) as SystemPromptsAnswer;
};

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'admin@family.test' });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('how many prompts a family keeps', () => {
  it(`refuses a create past ${MAX_SYSTEM_PROMPTS} live prompts with 409 in the envelope`, async () => {
    // Filled through the hub's writer: as many creates over HTTP would meet the rate limit.
    const { appender, projectors } = t.hub.deps;
    const writer = createAssistantWriter({ appender });
    const by = (await admin.me()).id;
    let seq = 0;
    for (let i = (await list()).prompts.length; i < MAX_SYSTEM_PROMPTS; i++) {
      const meta = { commandId: randomUUID(), actorId: by, correlationId: 'fill', now: new Date() };
      const command = { type: 'save' as const, promptId: randomUUID(), expectedVersion: 0, by };
      ({ seq } = await writer.prompts({ ...command, name: `Filler ${i}`, text: 'Fill.' }, meta));
    }
    expect(await projectors.waitFor(ASSISTANT_CONVERSATIONS, seq, 5000)).toBe(true);
    const full = await list();
    expect(full.prompts).toHaveLength(MAX_SYSTEM_PROMPTS);
    const refused = await admin.request(PROMPTS, { body: { name: 'One too many', text: 'No.' } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      code: 'assistant.too_many_prompts',
      error: expect.any(String),
      details: { max: MAX_SYSTEM_PROMPTS },
    });
    expect(await list()).toEqual(full);
  }, 60_000);
});
