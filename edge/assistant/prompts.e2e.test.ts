// The admins' system prompts over a whole hub: created, saved as new versions with the old ones
// readable, a stale change refused (409), removed; the children's prompt sent upstream after a
// child's own prompt (the family's rules have the last word) and recorded on the prompt's event,
// and never left out while its read model is behind (503); hostile ids and bodies refused with
// the envelope, and none of it open to members or children.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  SystemPromptAnswer,
  SystemPromptSaved,
  SystemPromptsAnswer,
} from '../../contracts/assistant.api.ts';
import { MAX_SYSTEM_PROMPT } from '../../contracts/assistant.schema.ts';
import { AssistantEventSchema } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { sseReader } from '../../test/sse.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';

let t: TestHub;
let ollama: FakeOllama;
let admin: TestClient;
let ann: TestClient;
let kid: TestClient;

const PROMPTS = '/api/v1/admin/assistant/prompts';
const json = async <T>(res: Response, status = 200): Promise<T> => {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
};
const create = (name: string, text: string) =>
  admin.request(PROMPTS, { body: { name, text } }).then((r) => json<SystemPromptSaved>(r, 201));
const save = (id: string, body: { expected_version: number; name: string; text: string }) =>
  admin.request(`${PROMPTS}/${id}`, { method: 'PUT', body });
const list = () => admin.request(PROMPTS).then((r) => json<SystemPromptsAnswer>(r));
const one = (id: string) => admin.request(`${PROMPTS}/${id}`).then((r) => json<SystemPromptAnswer>(r));
const forChildren = (prompt_id: string | null) =>
  admin.request('/api/v1/admin/assistant/children-prompt', { method: 'PUT', body: { prompt_id } });
/** Asks, reads the answer to its end, and returns what the model server was sent. */
const ask = async (who: TestClient, prompt: string) => {
  const res = await who.request('/api/v1/assistant/chat', { body: { prompt, model: 'llama3.2' } });
  expect(res.status).toBe(200);
  const reader = sseReader(res);
  let conversationId = '';
  for (let e = await reader.next(); e; e = await reader.next())
    if (e.event === 'start')
      conversationId = (JSON.parse(e.data) as { conversation_id: string }).conversation_id;
  return { sent: ollama.requests.at(-1)?.messages ?? [], conversationId };
};
/** The PromptSubmitted that opened a conversation, as the log keeps it. */
const submitted = async (conversationId: string) => {
  const { log } = t.hub.deps;
  const m = await log.jsm.direct.getMessage(log.names.stream('assistant'), {
    seq: 1,
    next_by_subj: log.names.assistant.conversation(conversationId),
  });
  const event = decodeEnvelope(AssistantEventSchema, m?.data ?? new Uint8Array()).event;
  return event.case === 'promptSubmitted' ? event.value : undefined;
};

beforeAll(async () => {
  ollama = await startFakeOllama();
  ollama.pace = 0;
  t = await startTestHub({ env: { OLLAMA_URL: ollama.url } });
  admin = t.client();
  await admin.signUp({ email: 'admin@family.test' });
  ann = t.client();
  await ann.signUp({ email: 'ann@family.test' });
  kid = t.client();
  await kid.signUp({ email: 'kid@family.test' });
  const kidId = (await kid.me()).id;
  expect((await admin.request(`/api/v1/admin/users/${kidId}/role`, { body: { role: 'child' } })).status).toBe(
    200,
  );
  const settings = await admin.request('/api/v1/admin/assistant/settings', {
    method: 'PUT',
    body: { expected_version: 0, allowed_models: [{ role: 'child', models: ['llama3.2'] }], quotas: [] },
  });
  expect(settings.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await ollama?.stop();
});

describe('an admin managing system prompts', () => {
  it('creates one, saves new versions, and reads every version', async () => {
    const { prompt_id: id, version } = await create('Homework helper', 'Explain, do not solve.');
    expect(version).toBe(1);
    expect(
      await json<SystemPromptSaved>(
        await save(id, { expected_version: 1, name: 'Homework', text: 'Explain step by step.' }),
      ),
    ).toMatchObject({ version: 2 });
    const found = await one(id);
    expect(found.prompt).toMatchObject({
      name: 'Homework',
      text: 'Explain step by step.',
      version: 2,
      removed: false,
    });
    expect(found.versions.map((v) => [v.version, v.name, v.text])).toEqual([
      [2, 'Homework', 'Explain step by step.'],
      [1, 'Homework helper', 'Explain, do not solve.'],
    ]);
    expect((await list()).prompts.map((p) => p.prompt_id)).toContain(id);
  });

  it('makes one prompt of a create retried with the same Idempotency-Key', async () => {
    const retry = () =>
      admin.request(PROMPTS, {
        body: { name: 'Retried', text: 'Once.' },
        headers: { 'Idempotency-Key': 'create-retried-prompt' },
      });
    const first = await json<SystemPromptSaved>(await retry(), 201);
    const second = await json<SystemPromptSaved>(await retry(), 201);
    expect(second.prompt_id).toBe(first.prompt_id);
    expect((await list()).prompts.filter((p) => p.name === 'Retried')).toHaveLength(1);
  });

  it('refuses a change against a stale version with 409, and keeps the newer one', async () => {
    const { prompt_id: id } = await create('Stale', 'First.');
    expect((await save(id, { expected_version: 1, name: 'Stale', text: 'Second.' })).status).toBe(200);
    const stale = await save(id, { expected_version: 1, name: 'Stale', text: 'Lost.' });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      code: 'conflict',
      error: expect.stringContaining('version 2'),
    });
    const removeStale = await admin.request(`${PROMPTS}/${id}/remove`, { body: { expected_version: 1 } });
    expect(removeStale.status).toBe(409);
    expect((await one(id)).prompt.text).toBe('Second.');
  });

  it('removes one: gone from the list, its versions still readable', async () => {
    const { prompt_id: id } = await create('Old', 'Be old.');
    expect((await admin.request(`${PROMPTS}/${id}/remove`, { body: { expected_version: 1 } })).status).toBe(
      200,
    );
    expect((await list()).prompts.map((p) => p.prompt_id)).not.toContain(id);
    expect(await one(id)).toMatchObject({ prompt: { removed: true }, versions: [{ version: 1 }] });
    expect((await save(id, { expected_version: 1, name: 'Old', text: 'Back?' })).status).toBe(404);
  });

  it('refuses oversize and unstorable text, and keeps them from members and children', async () => {
    const bad = [
      { name: 'Big', text: 'x'.repeat(MAX_SYSTEM_PROMPT + 1) },
      { name: 'a\u0000b', text: 'Fine.' },
      { name: 'Fine', text: 'a\uD800b' },
      { name: '   ', text: 'Fine.' },
    ];
    for (const body of bad) expect((await admin.request(PROMPTS, { body })).status, body.name).toBe(400);
    for (const who of [ann, kid]) {
      expect((await who.request(PROMPTS)).status).toBe(403);
      expect((await who.request(PROMPTS, { body: { name: 'Mine', text: 'Obey me.' } })).status).toBe(403);
    }
  });

  it('answers hostile prompt ids with 404 in the envelope, and changes nothing', async () => {
    const before = await list();
    for (const id of ['%00', '%ED%A0%80', 'x'.repeat(5000), '__proto__', "1'%20OR%20'1'='1", 'constructor']) {
      for (const res of [
        await admin.request(`${PROMPTS}/${id}`),
        await save(id, { expected_version: 1, name: 'x', text: 'y' }),
        await admin.request(`${PROMPTS}/${id}/remove`, { body: { expected_version: 1 } }),
      ]) {
        expect([400, 404], id).toContain(res.status);
        expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
      }
    }
    for (const query of ['?__proto__=1', '?id=%00&id=%00', `?q=${'a'.repeat(5000)}`])
      expect((await admin.request(`${PROMPTS}${query}`)).status).toBe(200);
    expect(await list()).toEqual(before);
  });
});

describe("the children's prompt", () => {
  it('is sent after the child’s own prompt, at its current version, and recorded on the prompt', async () => {
    const { prompt_id: id } = await create('Children', 'Speak simply; never share addresses.');
    expect((await json<SystemPromptsAnswer>(await forChildren(id))).children_prompt_id).toBe(id);
    expect((await list()).children_prompt_id).toBe(id);
    const own = await kid.request('/api/v1/me/preferences', {
      method: 'PATCH',
      body: { assistant_prompt: 'Call me Captain.' },
    });
    expect(own.status).toBe(200);

    const first = await ask(kid, 'What is a volcano?');
    expect(first.sent).toEqual([
      { role: 'system', content: 'Call me Captain.' },
      { role: 'system', content: 'Speak simply; never share addresses.' },
      { role: 'user', content: 'What is a volcano?' },
    ]);
    expect(await submitted(first.conversationId)).toMatchObject({
      systemPromptId: id,
      systemPromptVersion: 1,
    });

    expect((await save(id, { expected_version: 1, name: 'Children', text: 'Speak simply.' })).status).toBe(
      200,
    );
    const second = await ask(kid, 'What is a volcano?');
    expect(second.sent.slice(0, 2)).toEqual([
      { role: 'system', content: 'Call me Captain.' },
      { role: 'system', content: 'Speak simply.' },
    ]);
    expect(await submitted(second.conversationId)).toMatchObject({
      systemPromptId: id,
      systemPromptVersion: 2,
    });
  });

  it('is not sent to members', async () => {
    const { sent, conversationId } = await ask(ann, 'What is a volcano?');
    expect(sent).toEqual([{ role: 'user', content: 'What is a volcano?' }]);
    expect(await submitted(conversationId)).toMatchObject({ systemPromptId: '', systemPromptVersion: 0 });
  });

  it('is none once cleared, or once its prompt is removed', async () => {
    expect((await forChildren(null)).status).toBe(200);
    expect((await list()).children_prompt_id).toBeNull();
    expect((await ask(kid, 'Hello?')).sent[0]).toEqual({ role: 'system', content: 'Call me Captain.' });

    const { prompt_id: id } = await create('Brief', 'Be brief.');
    expect((await forChildren(id)).status).toBe(200);
    expect((await ask(kid, 'Hello again?')).sent[1]).toEqual({ role: 'system', content: 'Be brief.' });
    expect((await admin.request(`${PROMPTS}/${id}/remove`, { body: { expected_version: 1 } })).status).toBe(
      200,
    );
    expect((await list()).children_prompt_id).toBeNull();
    expect((await ask(kid, 'And now?')).sent[0]).toEqual({ role: 'system', content: 'Call me Captain.' });
  });

  it('is never left out while its read model is behind: the change and a child’s chat answer 503', async () => {
    const { prompt_id: id } = await create('Careful', 'Be careful.');
    const { db, projectors } = t.hub.deps;
    const waitFor = projectors.waitFor;
    projectors.waitFor = (name, seq) => waitFor(name, seq, 100); // keep the waits short
    // A transaction holding the children's row keeps the read model from applying their prompt.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lock = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holding = db.transaction().execute(async (trx) => {
      await sql`SELECT * FROM ${sql.table(`${ASSISTANT_CONVERSATIONS}.children_prompt`)} FOR UPDATE`.execute(
        trx,
      );
      locked();
      await held;
    });
    try {
      await lock;
      const lagging = await forChildren(id);
      expect(lagging.status).toBe(503);
      expect(await lagging.json()).toMatchObject({ code: 'not_caught_up', error: expect.any(String) });
      const asked = ollama.requests.length;
      const chat = await kid.request('/api/v1/assistant/chat', {
        body: { prompt: 'Hi?', model: 'llama3.2' },
      });
      expect(chat.status).toBe(503);
      expect(await chat.json()).toMatchObject({ code: 'not_caught_up' });
      expect(ollama.requests).toHaveLength(asked);
      // Members have no children's prompt to wait for.
      expect((await ask(ann, 'Hi?')).sent).toEqual([{ role: 'user', content: 'Hi?' }]);
    } finally {
      release();
      await holding;
      projectors.waitFor = waitFor;
    }
    expect((await ask(kid, 'Hi again?')).sent[1]).toEqual({ role: 'system', content: 'Be careful.' });
    expect((await list()).children_prompt_id).toBe(id);
  });

  it('can only be a prompt that exists', async () => {
    const res = await forChildren('00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'assistant.no_such_prompt' });
    expect(
      (
        await admin.request('/api/v1/admin/assistant/children-prompt', {
          method: 'PUT',
          body: { prompt_id: 'nope' },
        })
      ).status,
    ).toBe(400);
  });
});
