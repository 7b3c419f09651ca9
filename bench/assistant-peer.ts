// Helper process of the assistant figure, forked twice: one is the model server
// (test/ollama.ts), the other the people asking, each in a process of its own as a model
// server and browsers are. So the hub's event loop does only the hub's work, the people's
// reading of Hearth's answers never slows the model server's writing, and the straight
// figure measures the same two processes without the hub between them.
import { type FakeOllama, startFakeOllama } from '../test/ollama.ts';
import { serveHelper } from './ipc.ts';

export type Ask = {
  /** Where each prompt goes: the hub's /api/v1/assistant/chat or the model server's /api/chat. */
  url: string;
  headers: Record<string, string>;
  /** 'hearth' sends Hearth's body, 'direct' Ollama's. */
  via: 'hearth' | 'direct';
  /** The first chunk that carries a token holds this. */
  marker: string;
  count: number;
  concurrency: number;
};

/** The model server's answer from now on: its words and the milliseconds between two. */
export type Shape = { words: readonly string[]; paceMs: number };

let ollama: FakeOllama | undefined;
let n = 0;

/** Milliseconds from sending the request to the first chunk that carries a token. */
async function firstToken(url: string, init: RequestInit, marker: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, init);
  if (!res.ok || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at !== 0) continue;
    seen += decoder.decode(value, { stream: true });
    if (seen.includes(marker)) at = performance.now() - started;
  }
  if (at === 0) throw new Error(`${url}: no token`);
  return at;
}

const body = (via: Ask['via']) => {
  const prompt = `Question ${n++}`;
  return via === 'hearth'
    ? { prompt, model: 'bench' }
    : { model: 'bench', messages: [{ role: 'user', content: prompt }], stream: true };
};

serveHelper(
  {
    start: async () => {
      ollama = await startFakeOllama();
      return ollama.url;
    },
    shape: async ({ words, paceMs }: Shape) => {
      if (!ollama) throw new Error('start first');
      ollama.answer = words;
      ollama.pace = paceMs;
      // The model server keeps each request for the tests; here none is looked at again.
      ollama.requests.length = 0;
    },
    ask: async (ask: Ask) => {
      // Each prompt is new, so the prompt cache never answers.
      const times: number[] = [];
      let left = ask.count;
      await Promise.all(
        Array.from({ length: ask.concurrency }, async () => {
          while (left-- > 0)
            times.push(
              await firstToken(
                ask.url,
                { method: 'POST', headers: ask.headers, body: JSON.stringify(body(ask.via)) },
                ask.marker,
              ),
            );
        }),
      );
      return times;
    },
  },
  async () => {
    await ollama?.stop();
  },
);
