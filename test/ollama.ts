// A model server on loopback that speaks Ollama's real streaming protocol: POST /api/chat
// answers chunked NDJSON (one object per line, the last with done: true and the token counts),
// GET /api/tags lists the models. The model's name picks its behaviour:
//   any name          answers ANSWER word by word
//   "slow"            sends one word, then empty chunks every 100 ms until it is cancelled
//   "nul"             answers with a NUL and a lone surrogate in its words
//   "huge"            answers 70 000 characters, in 1 000-character words
//   "broken"          500 with a body that never ends
//   "silent"          never answers
//   "garbage"         sends one word, then a line that is not JSON
//   "cut"             sends one word, then drops the connection
//   "missing"         404 {"error":"model 'missing' not found"}
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ANSWER = ['Hello', ' from', ' the', ' family', ' model.'];

export type FakeOllama = {
  url: string;
  /** Bodies of every POST /api/chat, in order, each with whether its connection closed yet. */
  requests: {
    model: string;
    messages: { role: string; content: string }[];
    options?: { num_predict?: number };
    /** Its connection closed: answered, or (a "slow" one, which never ends) cancelled by its caller. */
    closed: boolean;
  }[];
  /** Resolves once a request in flight is closed by its caller before it ended. */
  cancelled: () => Promise<void>;
  /** Delay between two words, in milliseconds. */
  pace: number;
  /** The words of an answer (ANSWER unless set; the bench sets a longer one). */
  answer: readonly string[];
  /** While true, every connection is dropped at once, as by a server that is down. */
  down: boolean;
  stop: () => Promise<void>;
};

const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const token = (model: string, content: string) =>
  line({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done: false });

export async function startFakeOllama(): Promise<FakeOllama> {
  const requests: FakeOllama['requests'] = [];
  let onCancel: (() => void)[] = [];
  const fake: FakeOllama = {
    url: '',
    requests,
    pace: 5,
    answer: ANSWER,
    down: false,
    cancelled: () => new Promise<void>((resolve) => onCancel.push(resolve)),
    stop: async () => undefined,
  };
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = { ...(JSON.parse(raw) as Omit<FakeOllama['requests'][number], 'closed'>), closed: false };
    requests.push(body);
    const { model } = body;
    let ended = false;
    res.on('close', () => {
      body.closed = true;
      if (!ended) {
        const waiting = onCancel;
        onCancel = [];
        for (const f of waiting) f();
      }
    });
    if (model === 'missing') {
      ended = true;
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(line({ error: `model '${model}' not found` }));
      return;
    }
    if (model === 'silent') return;
    if (model === 'broken') {
      // An error page that never ends: the caller must read a little and let go.
      res.writeHead(500, { 'content-type': 'text/plain' });
      const more = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(more));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (model === 'nul') {
      ended = true;
      res.write(token(model, 'a\u0000b'));
      res.write(token(model, 'c\ud800d'));
      res.end(line({ model, message: { role: 'assistant', content: '' }, done: true, eval_count: 2 }));
      return;
    }
    if (model === 'huge') {
      ended = true;
      for (let i = 0; i < 70; i++) res.write(token(model, 'y'.repeat(1000)));
      res.end(line({ model, message: { role: 'assistant', content: '' }, done: true, eval_count: 70 }));
      return;
    }
    const words = fake.answer;
    res.write(token(model, words[0] as string));
    if (model === 'slow') {
      // Alive but saying nothing (as a model thinking), so that only a cancel ends it.
      const alive = setInterval(() => res.write(token(model, '')), 100);
      res.on('close', () => clearInterval(alive));
      return;
    }
    if (model === 'garbage') {
      ended = true;
      res.end('this is not json\n');
      return;
    }
    if (model === 'cut') {
      ended = true;
      // After the first word has reached the caller: a connection lost mid-answer.
      await new Promise((r) => setTimeout(r, 50));
      res.socket?.destroy();
      return;
    }
    for (const word of words.slice(1)) {
      await new Promise((r) => setTimeout(r, fake.pace));
      res.write(token(model, word));
    }
    ended = true;
    res.end(
      line({
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 12,
        eval_count: words.length,
      }),
    );
  };
  const server = createServer((req, res) => {
    if (fake.down) {
      res.socket?.destroy();
      return;
    }
    if (req.method === 'GET' && req.url === '/api/tags') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: [{ name: 'llama3.2' }, { name: 'slow' }] }));
      return;
    }
    if (req.method === 'POST' && req.url === '/api/chat') {
      answer(req, res).catch(() => res.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
