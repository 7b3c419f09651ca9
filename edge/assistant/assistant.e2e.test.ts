// The family assistant over a whole hub, against a model server on loopback that speaks
// Ollama's streaming protocol (test/ollama.ts): answers stream as SSE and are kept as
// conversations; Stop or a closed tab cancels the upstream request; a silent, failing or
// garbled server gives a clear error and a partial answer, and the hub stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantStatus, ConversationAnswer, UsageDay } from '../../contracts/assistant.api.ts';
import { MAX_PROMPT } from '../../contracts/assistant.schema.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { ANSWER, type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { type SseEvent, sseReader } from '../../test/sse.ts';
import { MAX_ANSWER } from './chat.ts';

let t: TestHub;
let bare: TestHub;
let ollama: FakeOllama;
let admin: TestClient;
let ann: TestClient;
let kid: TestClient;
/** By when the admin's first prompt was asked (the quota test's window begins there). */
let adminAskedBy = 0;

beforeAll(async () => {
  ollama = await startFakeOllama();
  t = await startTestHub({ env: { OLLAMA_URL: ollama.url, HEARTH_ASSISTANT_TIMEOUT: '1' } });
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
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await bare?.stop();
  await ollama?.stop();
});

const all = async (res: Response): Promise<SseEvent[]> => {
  const reader = sseReader(res);
  const out: SseEvent[] = [];
  for (let e = await reader.next(); e; e = await reader.next()) out.push(e);
  return out;
};
const data = <T>(events: SseEvent[], name: string): T[] =>
  events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as T);
const ask = (who: TestClient, body: Record<string, unknown>) =>
  who.request('/api/v1/assistant/chat', { body });
const settled = async () => {
  const last = Number(
    (await t.hub.deps.log.jsm.streams.info(t.hub.deps.log.names.stream('assistant'))).state.last_seq,
  );
  expect(await t.hub.deps.projectors.waitFor(ASSISTANT_CONVERSATIONS, last, 5000)).toBe(true);
};
const transcript = async (who: TestClient, id: string) => {
  await settled();
  return (await who.request(`/api/v1/assistant/conversations/${id}`)).json() as Promise<ConversationAnswer>;
};

describe('a member asking the assistant', () => {
  it('sees the answer stream in, and the conversation is kept', async () => {
    const res = await ask(ann, { prompt: 'Say hello', model: 'llama3.2' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await all(res);
    const [start] = data<{ conversation_id: string; turn: number; cached: boolean }>(events, 'start');
    expect(start).toMatchObject({ turn: 1, cached: false });
    expect(data<{ text: string }>(events, 'token').map((e) => e.text)).toEqual(ANSWER);
    expect(data(events, 'done')).toEqual([
      expect.objectContaining({ cut_off: '', prompt_tokens: 12, answer_tokens: 5 }),
    ]);

    const kept = await transcript(ann, start?.conversation_id as string);
    expect(kept.turns).toEqual([
      expect.objectContaining({
        turn: 1,
        prompt: 'Say hello',
        answer: ANSWER.join(''),
        cut_off: '',
        cached: false,
      }),
    ]);

    // The next turn is asked with the conversation so far.
    await all(await ask(ann, { prompt: 'Again', model: 'other', conversation_id: start?.conversation_id }));
    expect(ollama.requests.at(-1)?.messages).toEqual([
      { role: 'user', content: 'Say hello' },
      { role: 'assistant', content: ANSWER.join('') },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('is answered from the cache for the same model, prompt and conversation, marked as cached', async () => {
    const before = ollama.requests.length;
    await all(await ask(ann, { prompt: 'Cache me', model: 'llama3.2' }));
    const events = await all(await ask(ann, { prompt: 'Cache me', model: 'llama3.2' }));
    expect(ollama.requests.length).toBe(before + 1);
    expect(data(events, 'start')).toEqual([expect.objectContaining({ cached: true })]);
    expect(
      data<{ text: string }>(events, 'token')
        .map((e) => e.text)
        .join(''),
    ).toBe(ANSWER.join(''));
    const id = data<{ conversation_id: string }>(events, 'start')[0]?.conversation_id as string;
    expect((await transcript(ann, id)).turns[0]).toMatchObject({ cached: true, answer: ANSWER.join('') });
    // Another member asking the same is asked of the model, not given ann's answer.
    const theirs = await all(await ask(admin, { prompt: 'Cache me', model: 'llama3.2' }));
    adminAskedBy = Date.now();
    expect(data(theirs, 'start')).toEqual([expect.objectContaining({ cached: false })]);
    expect(ollama.requests.length).toBe(before + 2);
  });

  it('keeps a NUL or a lone surrogate from the model as U+FFFD, and the answer is recorded', async () => {
    const events = await all(await ask(ann, { prompt: 'Say something odd', model: 'nul' }));
    expect(data(events, 'done')).toEqual([expect.objectContaining({ cut_off: '' })]);
    const id = data<{ conversation_id: string }>(events, 'start')[0]?.conversation_id as string;
    expect((await transcript(ann, id)).turns[0]).toMatchObject({ answer: 'a\uFFFDbc\uFFFDd', cut_off: '' });
  });

  it('cuts off an answer past MAX_ANSWER, and asks the model for a bounded answer', async () => {
    const events = await all(await ask(ann, { prompt: 'Go on and on', model: 'huge' }));
    expect(ollama.requests.at(-1)?.options?.num_predict).toBeGreaterThan(0);
    expect(data(events, 'done')).toEqual([expect.objectContaining({ cut_off: 'upstream' })]);
    const id = data<{ conversation_id: string }>(events, 'start')[0]?.conversation_id as string;
    expect((await transcript(ann, id)).turns[0]?.answer).toHaveLength(MAX_ANSWER);
  });

  it('reads only a little of an endless error page', async () => {
    const res = await ask(ann, { prompt: 'Are you broken?', model: 'broken' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'assistant.upstream_down' });
  });

  it('stops when they leave, cancelling the upstream request, and keeps the partial answer', async () => {
    const cookie = [...ann.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const leave = new AbortController();
    const cancelled = ollama.cancelled();
    const res = await t.hub.app.request(`${t.origin}/api/v1/assistant/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: t.origin, 'x-forwarded-for': ann.ip },
      body: JSON.stringify({ prompt: 'Take your time', model: 'slow' }),
      signal: leave.signal,
    });
    const reader = sseReader(res);
    const start = await reader.next();
    const first = await reader.next();
    expect(first?.event).toBe('token');
    leave.abort();
    await reader.cancel();
    await cancelled;
    const id = (JSON.parse(start?.data ?? '{}') as { conversation_id: string }).conversation_id;
    await expect.poll(async () => (await transcript(ann, id)).turns[0]?.cut_off).toBe('stopped');
    expect((await transcript(ann, id)).turns[0]?.answer).toBe(ANSWER[0]);
  });

  it('times out on a silent server with a clear error', async () => {
    const res = await ask(ann, { prompt: 'Anyone there?', model: 'silent' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'assistant.upstream_timeout' });
  });

  it('gives a clear error and a partial answer when the server sends garbage or stops mid-stream', async () => {
    for (const model of ['garbage', 'cut']) {
      const events = await all(await ask(ann, { prompt: `Try ${model}`, model }));
      expect(data(events, 'error')).toEqual([expect.objectContaining({ code: 'assistant.upstream_failed' })]);
      expect(data(events, 'done')).toEqual([expect.objectContaining({ cut_off: 'upstream' })]);
      const id = data<{ conversation_id: string }>(events, 'start')[0]?.conversation_id as string;
      expect((await transcript(ann, id)).turns[0]).toMatchObject({ answer: ANSWER[0], cut_off: 'upstream' });
    }
    expect((await ann.request('/api/v1/assistant/status')).status).toBe(200);
  });

  it('is told the model server is down when nothing answers, after retrying before the first token', async () => {
    ollama.down = true;
    try {
      const res = await ask(ann, { prompt: 'hello' });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'assistant.upstream_down' });
    } finally {
      ollama.down = false;
    }
  });

  it('refuses a prompt over the size limit with 413, and NUL in it with 400', async () => {
    expect((await ask(ann, { prompt: 'x'.repeat(MAX_PROMPT + 1) })).status).toBe(413);
    expect((await ask(ann, { prompt: 'a\u0000b' })).status).toBe(400);
  });

  it('answers a hostile conversation id with 404 in the envelope', async () => {
    for (const id of ['%00', '%ED%A0%80', 'x'.repeat(5000), '__proto__', "1'%20OR%20'1'='1"]) {
      const res = await ann.request(`/api/v1/assistant/conversations/${id}`);
      expect([400, 404], id).toContain(res.status);
      expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    }
  });
});

describe('a child’s conversation', () => {
  it('is refused any model until an admin chooses the children’s models', async () => {
    const none = await ask(kid, { prompt: 'Hi', model: 'llama3.2' });
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({
      code: 'assistant.model_refused',
      error: expect.stringContaining('admin'),
    });
    // Settings without a child row: still none.
    const put = (expected_version: number, allowed_models: { role: string; models: string[] }[]) =>
      admin.request('/api/v1/admin/assistant/settings', {
        method: 'PUT',
        body: { expected_version, allowed_models, quotas: [] },
      });
    expect((await put(0, [{ role: 'admin', models: ['llama3.2'] }])).status).toBe(200);
    expect((await ask(kid, { prompt: 'Hi', model: 'llama3.2' })).status).toBe(403);
    expect((await put(1, [{ role: 'child', models: ['llama3.2'] }])).status).toBe(200);
  });

  it('says on their screen that parents can read it, and an admin reads it; another member cannot', async () => {
    expect(await (await kid.request('/api/v1/assistant/status')).json()).toMatchObject({
      transcript_visible_to_admins: true,
    });
    const events = await all(await ask(kid, { prompt: 'Help with homework', model: 'llama3.2' }));
    const id = data<{ conversation_id: string }>(events, 'start')[0]?.conversation_id as string;
    await settled();
    const children = (await (await admin.request('/api/v1/admin/assistant/children')).json()) as {
      conversations: { conversation_id: string }[];
    };
    expect(children.conversations.map((c) => c.conversation_id)).toContain(id);
    expect((await transcript(admin, id)).turns[0]?.prompt).toBe('Help with homework');
    expect((await ann.request(`/api/v1/assistant/conversations/${id}`)).status).toBe(404);
  });

  it('counts in the usage the console charts', async () => {
    const { usage } = (await (await admin.request('/api/v1/admin/assistant/usage')).json()) as {
      usage: UsageDay[];
    };
    const kidId = (await kid.me()).id;
    expect(usage.find((u) => u.member_id === kidId)).toMatchObject({ requests: 1 });
  });
});

describe('the admins’ settings', () => {
  it('refuse a model not allowed for children with 403, and a member over quota with 429 and when it resets', async () => {
    const kidId = (await kid.me()).id;
    const annId = (await ann.me()).id;
    const set = await admin.request('/api/v1/admin/assistant/settings', {
      method: 'PUT',
      body: {
        expected_version: 2,
        allowed_models: [{ role: 'child', models: ['llama3.2'] }],
        quotas: [
          { member_id: annId, tokens_per_day: 1, requests_per_minute: 0 },
          { member_id: (await admin.me()).id, tokens_per_day: 0, requests_per_minute: 1 },
          { member_id: kidId, tokens_per_day: 0, requests_per_minute: 100 },
        ],
      },
    });
    expect(set.status).toBe(200);
    expect(await (await admin.request('/api/v1/admin/assistant/settings')).json()).toMatchObject({
      version: 3,
    });

    const refused = await ask(kid, { prompt: 'Hi', model: 'other' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'assistant.model_refused' });
    expect((await ask(kid, { prompt: 'Hi again', model: 'llama3.2' })).status).toBe(200);

    const over = await ask(ann, { prompt: 'More', model: 'llama3.2' });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await over.json()).toMatchObject({
      code: 'assistant.over_quota',
      details: { resetsAt: expect.any(String) },
    });

    // Per minute: free again when the oldest request in the window leaves it, not a minute from now.
    const busy = await ask(admin, { prompt: 'Once more', model: 'llama3.2' });
    expect(busy.status).toBe(429);
    const { details } = (await busy.json()) as { details: { resetsAt: string } };
    expect(new Date(details.resetsAt).getTime()).toBeLessThanOrEqual(adminAskedBy + 60_000);

    // An admin who changed an older version is told so.
    const stale = await admin.request('/api/v1/admin/assistant/settings', {
      method: 'PUT',
      body: { expected_version: 0, allowed_models: [], quotas: [] },
    });
    expect(stale.status).toBe(409);
  });
});

describe('a hub without a model server', () => {
  it('says plainly that none is configured, and how to add one', async () => {
    bare = await startTestHub();
    const someone = bare.client();
    await someone.signUp({ email: 'someone@family.test' });
    const status = (await (await someone.request('/api/v1/assistant/status')).json()) as AssistantStatus;
    expect(status).toMatchObject({ configured: false });
    expect(status.help).toContain('OLLAMA_URL');
    const res = await someone.request('/api/v1/assistant/chat', { body: { prompt: 'hello' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'assistant.not_configured' });
  }, 60_000);
});
