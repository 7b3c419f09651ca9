// What a prompt reads before it is asked, and how: the member's preferences and the admins'
// settings come from memory, yet a change reaches the very next prompt; and the model server is
// asked while the prompt is written, never instead of it: a prompt whose append is refused
// (here a second prompt at once in one conversation, as from two tabs) is answered with an
// error, its request to the model server is cancelled, and nothing of it is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationAnswer } from '../../contracts/assistant.api.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { sseReader } from '../../test/sse.ts';

let t: TestHub;
let ollama: FakeOllama;
let ann: TestClient;

beforeAll(async () => {
  ollama = await startFakeOllama();
  t = await startTestHub({ env: { OLLAMA_URL: ollama.url } });
  ann = t.client();
  await ann.signUp({ email: 'ann@family.test' });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await ollama?.stop();
});

const settled = async () => {
  const { log } = t.hub.deps;
  const last = Number((await log.jsm.streams.info(log.names.stream('assistant'))).state.last_seq);
  expect(await t.hub.deps.projectors.waitFor(ASSISTANT_CONVERSATIONS, last, 5000)).toBe(true);
};

/** A prompt as a tab sends it, which the test can close. */
const asked = (body: Record<string, unknown>, signal: AbortSignal) =>
  t.hub.app.request(`${t.origin}/api/v1/assistant/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: [...ann.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      origin: t.origin,
      'x-forwarded-for': ann.ip,
    },
    body: JSON.stringify(body),
    signal,
  });

const finished = async (res: Response) => {
  const reader = sseReader(res);
  while (await reader.next());
};

describe('a member who changes their assistant preferences', () => {
  it('is asked with the new model and instructions on their very next prompt', async () => {
    await finished(await ann.request('/api/v1/assistant/chat', { body: { prompt: 'Before' } }));
    for (const [model, prompt] of [
      ['mistral', 'Be brief.'],
      ['llama3.2', 'Antworte kurz.'],
    ] as const) {
      const patched = await ann.request('/api/v1/me/preferences', {
        method: 'PATCH',
        body: { assistant_model: model, assistant_prompt: prompt },
      });
      expect(patched.status).toBe(200);
      await finished(await ann.request('/api/v1/assistant/chat', { body: { prompt: `With ${model}` } }));
      expect(ollama.requests.at(-1)).toMatchObject({
        model,
        messages: [
          { role: 'system', content: prompt },
          { role: 'user', content: `With ${model}` },
        ],
      });
    }
  });
});

describe('an admin who changes the assistant settings', () => {
  it('has them applied to the very next prompt', async () => {
    const annId = (await ann.me()).id;
    const put = await ann.request('/api/v1/admin/assistant/settings', {
      method: 'PUT',
      body: {
        expected_version: 0,
        allowed_models: [{ role: 'admin', models: ['llama3.2'] }],
        quotas: [{ member_id: annId, tokens_per_day: 0, requests_per_minute: 100 }],
      },
    });
    expect(put.status).toBe(200);
    const refused = await ann.request('/api/v1/assistant/chat', { body: { prompt: 'Hi', model: 'mistral' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'assistant.model_refused' });
    const back = await ann.request('/api/v1/admin/assistant/settings', {
      method: 'PUT',
      body: { expected_version: 1, allowed_models: [], quotas: [] },
    });
    expect(back.status).toBe(200);
    const asked = await ann.request('/api/v1/assistant/chat', { body: { prompt: 'Hi', model: 'mistral' } });
    expect(asked.status).toBe(200);
    await finished(asked);
  });
});

describe('two prompts at once in one conversation', () => {
  it('answers one; the other is refused, its model request cancelled, and nothing of it recorded', async () => {
    const first = sseReader(
      await ann.request('/api/v1/assistant/chat', { body: { prompt: 'Hi', model: 'm' } }),
    );
    const start = await first.next();
    const id = (JSON.parse(start?.data ?? '{}') as { conversation_id: string }).conversation_id;
    while (await first.next());
    await settled();

    const tabs = [new AbortController(), new AbortController()];
    const answers = await Promise.all(
      tabs.map((tab, i) => asked({ prompt: `Tab ${i}`, model: 'slow', conversation_id: id }, tab.signal)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = answers.findIndex((r) => r.status === 409);
    expect(await (answers[loser] as Response).json()).toMatchObject({
      error: expect.any(String),
      code: expect.any(String),
    });
    // The refused prompt's request (told by its prompt) never got to the model server, or got
    // there and was cancelled: the one answering slowly never ends on its own.
    const requestOf = (prompt: string) =>
      ollama.requests.find((r) => r.model === 'slow' && r.messages.at(-1)?.content === prompt);
    await expect
      .poll(() => {
        const request = requestOf(`Tab ${loser}`);
        return request === undefined ? 'absent' : request.closed ? 'closed' : 'open';
      })
      .toMatch(/^(absent|closed)$/);
    expect(requestOf(`Tab ${1 - loser}`)?.closed).toBe(false);

    const winner = answers.findIndex((r) => r.status === 200);
    const reader = sseReader(answers[winner] as Response);
    expect((await reader.next())?.event).toBe('start');
    tabs[winner]?.abort();
    await reader.cancel();
    await settled();
    await expect
      .poll(async () => {
        await settled();
        const kept = (await (
          await ann.request(`/api/v1/assistant/conversations/${id}`)
        ).json()) as ConversationAnswer;
        return kept.turns.map((turn) => [turn.turn, turn.prompt, turn.cut_off]);
      })
      .toEqual([
        [1, 'Hi', ''],
        [2, `Tab ${winner}`, 'stopped'],
      ]);
  });
});
