// The model server's client against the fake on loopback (test/ollama.ts): a member gone before
// the request never reaches the server, a deadline ends an answer still coming, and an endless
// error page or model list is read only in part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import { listModels, openChat, UpstreamError } from './ollama.ts';

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await startFakeOllama();
});
afterAll(() => ollama?.stop());

const open = (model: string, signal: AbortSignal) =>
  openChat({
    url: ollama.url,
    model,
    messages: [{ role: 'user', content: 'hi' }],
    timeoutMs: 5000,
    signal,
    numPredict: 10,
  });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'none',
    (err: unknown) => (err instanceof UpstreamError ? err.failure : String(err)),
  );

describe('asking the model server', () => {
  it('asks nothing for a member already gone', async () => {
    const before = ollama.requests.length;
    expect(await failure(open('llama3.2', AbortSignal.abort()))).toBe('stopped');
    expect(ollama.requests.length).toBe(before);
  });

  it('ends an answer still coming when its signal fires (the overall deadline)', async () => {
    const stream = await open('slow', AbortSignal.timeout(300));
    const read = (async () => {
      for await (const _ of stream);
    })();
    expect(await failure(read)).toBe('stopped');
  });

  it('reads a little of an endless error page and lets go', async () => {
    const started = Date.now();
    expect(await failure(open('broken', new AbortController().signal))).toBe('down');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('lists the models', async () => {
    expect(await listModels(ollama.url, 1000)).toEqual(['llama3.2', 'slow']);
  });
});
