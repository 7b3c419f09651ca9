// Chat e2e tests: one or more whole hubs on one namespace and one database (edge processes
// sharing NATS and Postgres), each on its own HTTP port with the WebSocket attached; people
// who sign up over HTTP; sockets that record every frame.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { WebSocket } from 'ws';
import type { ChatOptions } from '../edge/chat/index.ts';
import { loadSettings } from '../edge/config.ts';
import { createHub, type Hub } from '../edge/hub.ts';
import { NATS_URL, testDatabase, testNats, uniquePrefix } from './services.ts';

export type Frame = { type: string; [key: string]: unknown };
export type Edge = { hub: Hub; url: string; port: number; stop: () => Promise<void> };

export type Socket = {
  ws: WebSocket;
  frames: Frame[];
  send: (frame: object | string) => void;
  /** The first frame (already received or yet to come) that matches. */
  waitFor: (match: (f: Frame) => boolean, timeoutMs?: number) => Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  close: () => Promise<void>;
};

export type Person = {
  id: string;
  email: string;
  role: string;
  request: (
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<Response>;
  json: <T = unknown>(path: string, init?: { method?: string; body?: unknown }) => Promise<T>;
  wsToken: () => Promise<string>;
  /** Opens a socket to the given edge (default: the one the person signed up on). */
  connect: (edge?: Edge) => Promise<Socket>;
};

export const PASSWORD = 'correct horse battery';
// Short enough to see an offline within a test, long enough that a loaded CI machine does not flap.
export const FAST_PRESENCE = { ttlMs: 10_000, heartbeatMs: 1000, graceMs: 1500 };

export async function startChatHubs({
  count = 1,
  chat = { presence: FAST_PRESENCE },
  natsUrl,
  env = {},
}: {
  count?: number;
  /** More settings, as environment variables (HEARTH_COMMAND_RATE_LIMIT, …). */
  env?: Record<string, string>;
  chat?: ChatOptions;
  /** A private server (test/private-nats.ts); otherwise the shared test server, cleaned up by namespace. */
  natsUrl?: string;
} = {}) {
  const prefix = uniquePrefix();
  const nats = natsUrl ? undefined : await testNats(prefix);
  const database = await testDatabase(prefix);
  // Open sign-up: these tests are about what members do once in, not how they got in.
  const settings = loadSettings({
    HEARTH_NAMESPACE: prefix,
    PORT: '3000',
    HEARTH_AUTH_RATE_LIMIT: 'off',
    HEARTH_OPEN_SIGNUP: 'true',
    ...env,
  });
  const origin = settings.hub.publicUrl;
  const edges: Edge[] = [];

  async function startEdge(): Promise<Edge> {
    const hub = await createHub({
      natsUrl: natsUrl ?? NATS_URL,
      databaseUrl: database.url,
      authSecret: 'a-test-secret-that-is-long-enough-0123456789',
      settings,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      ackWaitMs: 2000,
      chat,
    });
    await hub.start();
    const server = serve({ fetch: hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    if (!server.listening) await new Promise((r) => server.once('listening', r));
    hub.attach(server);
    const port = (server.address() as AddressInfo).port;
    const edge: Edge = {
      hub,
      port,
      url: `http://127.0.0.1:${port}`,
      stop: async () => {
        // A hub that does not stop within 20 s is reported, not waited for: the database
        // and the namespace are dropped after it anyway.
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([
          hub.stop().then(() => true),
          new Promise<false>((r) => {
            timer = setTimeout(() => r(false), 20_000);
          }),
        ]);
        clearTimeout(timer);
        if (!stopped) console.warn(`edge on port ${port} did not stop within 20 s`);
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        edges.splice(edges.indexOf(edge), 1);
      },
    };
    edges.push(edge);
    return edge;
  }

  for (let i = 0; i < count; i++) await startEdge();

  async function signUp(email: string, edge = edges[0] as Edge): Promise<Person> {
    const cookies = new Map<string, string>();
    const request: Person['request'] = async (path, init = {}) => {
      const headers: Record<string, string> = { Origin: origin, ...init.headers };
      // A form (an upload) sets its own multipart Content-Type, boundary included.
      const form = init.body instanceof FormData;
      if (init.body !== undefined && !form) headers['Content-Type'] = 'application/json';
      if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(`${edge.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body !== undefined && {
          body:
            form || typeof init.body === 'string'
              ? (init.body as FormData | string)
              : JSON.stringify(init.body),
        }),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        if (/max-age=0\b/i.test(line) || eq === pair.length - 1) cookies.delete(pair.slice(0, eq));
        else cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return res;
    };
    const json = async <T>(path: string, init?: { method?: string; body?: unknown }) => {
      const res = await request(path, init);
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const signed = await request('/api/auth/sign-up/email', {
      body: { email, password: PASSWORD, name: email.split('@')[0] },
    });
    if (!signed.ok) throw new Error(`sign-up failed: ${signed.status} ${await signed.text()}`);
    const { user } = await json<{ user: { id: string; role: string } }>('/api/auth/get-session');
    const wsToken = async () => (await json<{ token: string }>('/api/v1/ws-token', { method: 'POST' })).token;
    return {
      id: user.id,
      email,
      role: user.role,
      request,
      json,
      wsToken,
      connect: async (to = edge) => openSocket(`ws://127.0.0.1:${to.port}/ws?token=${await wsToken()}`),
    };
  }

  /** Until `check` passes (read models are eventually consistent). */
  async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Signs up and waits until the family channel counts the person in. */
  async function member(email: string, edge?: Edge): Promise<Person> {
    const p = await signUp(email, edge);
    await eventually(async () => {
      const channels = await p.json<{ id: string }[]>('/api/v1/channels');
      return channels.some((c) => c.id === 'family');
    });
    return p;
  }

  return {
    prefix,
    origin,
    databaseUrl: database.url,
    edges,
    startEdge,
    signUp,
    member,
    eventually,
    stop: async () => {
      for (const e of [...edges]) await e.stop();
      await database.cleanup();
      await nats?.cleanup();
    },
  };
}

export type ChatHubs = Awaited<ReturnType<typeof startChatHubs>>;

export async function openSocket(url: string): Promise<Socket> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitFor: (match, timeoutMs = 5000) => {
      const seen = frames.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Frame>((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (f) => {
            clearTimeout(t);
            resolve(f);
          },
        });
      });
    },
    closed,
    close: async () => {
      if (ws.readyState !== ws.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
}

/** Opens a socket for `person` that has joined `channel` (its `joined` frame received). */
export async function joinedSocket(person: Person, channel = 'family'): Promise<Socket> {
  const ws = await person.connect();
  ws.send({ type: 'join', channel });
  await ws.waitFor((f) => f.type === 'joined');
  return ws;
}
