// SIGTERM under load: `npm start`'s hub in a process of its own, stopped while keep-alive
// clients post, read and probe, and a socket sends frames. No request fails with a 5xx, none is
// left without an answer (after the listener closes, a connection is refused, never reset),
// /ready answers 503 while the listener is still open, and the socket is closed with 1012.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testDatabase, testNats, uniquePrefix } from '../test/services.ts';
import { openSocket, type Socket } from '../test/sockets.ts';
import { freePort } from './boot/infra.ts';

type Outcome = { at: number; path: string; status?: number; code?: string; error?: string };

let services: { nats: Awaited<ReturnType<typeof testNats>>; db: Awaited<ReturnType<typeof testDatabase>> };
let dataDir = '';
let port = 0;
let hub: ChildProcess | undefined;
let exited: Promise<number | null>;
let cookie = '';
let output = '';

/** `npm start`'s entry point, on the shared services with a namespace and a database of its own. */
function startHub(prefix: string): Promise<ChildProcess> {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: services.db.url,
      HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      HEARTH_NAMESPACE: prefix,
      HEARTH_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      HEARTH_OPEN_SIGNUP: 'true',
      HEARTH_COMMAND_RATE_LIMIT: '100000',
      HEARTH_AUTH_RATE_LIMIT: 'off',
      HEARTH_SHUTDOWN_GRACE: '20',
      HEARTH_SHUTDOWN_DELAY: '5',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stderr?.on('data', keep);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      keep(d);
      if (output.includes('Hearth is running at')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited before listening (${code}): ${output}`)));
  });
}

const origin = () => `http://127.0.0.1:${port}`;

/** One request on `agent`: its status, or the error code of a connection that gave none. */
function send(agent: http.Agent, method: string, path: string, body?: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        headers: {
          Origin: origin(),
          Cookie: cookie,
          ...(data !== undefined && {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(data),
          }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          // An error's code, from its envelope.
          const code =
            status >= 400
              ? (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { code?: string }).code
              : undefined;
          resolve({ at: 0, path, status, ...(code !== undefined && { code }) });
        });
        res.once('error', (err: NodeJS.ErrnoException) =>
          resolve({ at: 0, path, error: err.code ?? err.message }),
        );
      },
    );
    req.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ at: 0, path, error: err.code ?? err.message }),
    );
    req.end(data);
  });
}

beforeAll(async () => {
  const prefix = uniquePrefix();
  services = { nats: await testNats(prefix), db: await testDatabase(prefix) };
  dataDir = await mkdtemp(path.join(tmpdir(), 'hearth-shutdown-'));
  port = await freePort();
  hub = await startHub(prefix);
  const signedUp = await fetch(`${origin()}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { Origin: origin(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ann@family.test', password: 'correct horse battery', name: 'Ann' }),
  });
  expect(signedUp.status).toBe(200);
  cookie = signedUp.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${origin()}/api/v1/channels`, { headers: { Cookie: cookie } });
    const channels = res.ok ? ((await res.json()) as { id: string }[]) : [];
    if (channels.some((c) => c.id === 'family')) break;
    if (Date.now() > deadline) throw new Error('no family channel');
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(async () => {
  if (hub && hub.exitCode === null && hub.signalCode === null) {
    hub.kill('SIGKILL');
    await exited;
  }
  await services?.db.cleanup();
  await services?.nats.cleanup();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a hub sent SIGTERM under load', () => {
  it('drains: /ready first, then refuses new connections, answers every request, closes sockets with 1012', async () => {
    let clock = 0;
    const outcomes: Outcome[] = [];
    const record = (o: Outcome) => {
      o.at = ++clock;
      outcomes.push(o);
      return o;
    };
    let terminatedAt = Number.POSITIVE_INFINITY;

    const wsToken = async () => {
      const res = await fetch(`${origin()}/api/v1/ws-token`, {
        method: 'POST',
        headers: { Origin: origin(), Cookie: cookie },
      });
      return ((await res.json()) as { token: string }).token;
    };
    // A socket that posts a frame every 250 ms (within its rate limit), each with a ref to be
    // answered; and a ticket for one more, to be opened while the hub drains.
    const ws: Socket = await openSocket(`ws://127.0.0.1:${port}/ws?token=${await wsToken()}`);
    const later = await wsToken();
    const framesSent: { ref: string; at: number }[] = [];
    const framing = (async () => {
      for (let i = 0; ws.ws.readyState === ws.ws.OPEN; i++) {
        framesSent.push({ ref: `f${i}`, at: ++clock });
        ws.send({ type: 'message', channel: 'family', content: `frame ${i}`, ref: `f${i}` });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // Keep-alive clients, each on its own agent, until their connection is refused.
    const client = async (n: number) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
      const paths: [string, string, unknown?][] = [
        ['POST', '/api/v1/messages', { channel: 'family', content: `client ${n}` }],
        ['GET', '/api/v1/messages?channel=family&limit=20'],
        ['GET', '/health'],
        ['GET', '/api/v1/me'],
      ];
      for (let i = 0; ; i++) {
        const [method, p, body] = paths[i % paths.length] as [string, string, unknown?];
        const o = record(await send(agent, method, p, body));
        if (o.error) break;
      }
      agent.destroy();
    };
    const ready = async () => {
      const agent = new http.Agent({ keepAlive: true });
      for (;;) {
        const o = record(await send(agent, 'GET', '/ready'));
        if (o.error) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      agent.destroy();
    };
    const load = [...Array.from({ length: 8 }, (_, n) => client(n)), ready()];

    // Under way, then SIGTERM.
    const started = Date.now();
    while (outcomes.length < 200 && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 20));
    terminatedAt = ++clock;
    hub?.kill('SIGTERM');
    // Draining, the listener still open: a new socket is refused, to be opened elsewhere.
    while (!outcomes.some((o) => o.path === '/ready' && o.status === 503))
      await new Promise((r) => setTimeout(r, 10));
    await expect(openSocket(`ws://127.0.0.1:${port}/ws?token=${later}`)).rejects.toThrow(
      'upgrade refused: 503',
    );
    await Promise.all(load);
    const closed = await ws.closed;
    await framing;
    expect(await exited, output).toBe(0);

    // Every request was answered, and none with a 500; a connection that got no answer was
    // refused, after the listener closed, never reset. (A 503 `unavailable` is the shared
    // database refusing connections to a busy machine, a right answer that the stop has no part in.)
    const failed = outcomes.filter(
      (o) => o.status !== undefined && o.status >= 500 && o.path !== '/ready' && o.code !== 'unavailable',
    );
    expect(failed, output).toEqual([]);
    const errors = outcomes.filter((o) => o.error !== undefined);
    expect(errors.filter((o) => o.error !== 'ECONNREFUSED')).toEqual([]);
    expect(errors.length).toBe(9); // one refusal ends each of the nine loops
    // While draining, liveness stays up and readiness goes down, before the listener closes.
    const firstRefused = Math.min(...errors.map((o) => o.at));
    const readies = outcomes.filter((o) => o.path === '/ready' && o.status !== undefined);
    expect(readies.some((o) => o.at < terminatedAt && o.status === 200)).toBe(true);
    const readyDown = readies.find((o) => o.at > terminatedAt && o.status === 503);
    expect(readyDown?.at).toBeLessThan(firstRefused);
    expect(readies.filter((o) => o.at > (readyDown?.at ?? 0)).every((o) => o.status === 503)).toBe(true);
    expect(outcomes.filter((o) => o.path === '/health').every((o) => o.error || o.status === 200)).toBe(true);
    expect(outcomes.some((o) => o.path === '/health' && o.status === 200 && o.at > terminatedAt)).toBe(true);
    // The socket: told to reconnect, every frame sent before the stop answered.
    expect(closed.code).toBe(1012);
    const answered = new Set(
      ws.frames.filter((f) => f.type === 'ack' || f.type === 'error').map((f) => f.ref),
    );
    expect(framesSent.filter((f) => f.at < terminatedAt && !answered.has(f.ref))).toEqual([]);
    expect(ws.frames.filter((f) => f.type === 'error')).toEqual([]);
  }, 60_000);
});
