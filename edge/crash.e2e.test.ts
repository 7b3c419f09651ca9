// kill -9 halfway through 2,000 commands: a hub process killed with SIGKILL while commands are
// in flight, restarted, and every command not answered retried with its Idempotency-Key.
// History then holds each message exactly once, under the id its client was given.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testDatabase, testNats, uniquePrefix } from '../test/services.ts';

const COMMANDS = 2000;
const KILL_AFTER = 1000;
const IN_FLIGHT = 32;

type Answer = { id: string; seq: number; content: string };
type Services = { nats: Awaited<ReturnType<typeof testNats>>; db: Awaited<ReturnType<typeof testDatabase>> };

let services: Services;
let prefix = '';
let port = 0;
let hub: ChildProcess | undefined;
let cookie = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });

/** Starts the hub process and resolves once it listens (it says so on stdout). */
function startHub(): Promise<ChildProcess> {
  const file = fileURLToPath(new URL('./crash-hub.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: services.db.url,
      HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      HEARTH_NAMESPACE: prefix,
      PORT: String(port),
      HEARTH_COMMAND_RATE_LIMIT: '100000',
      HEARTH_AUTH_RATE_LIMIT: 'off',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      if (String(d).includes('listening')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited before listening (${code})`)));
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

async function request(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const origin = `http://localhost:${port}`;
  return fetch(`http://127.0.0.1:${port}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      Origin: origin,
      'Content-Type': 'application/json',
      ...(cookie && { Cookie: cookie }),
      ...(init.key && { 'Idempotency-Key': init.key }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
}

/** Sends command i; its answer, or undefined when the hub did not answer it (or failed). */
async function post(i: number): Promise<Answer | undefined> {
  try {
    const res = await request('/api/v1/messages', {
      body: { channel: 'family', content: `command ${i}` },
      key: `crash-${i}`,
    });
    if (res.status !== 201 && res.status !== 200) return undefined;
    return (await res.json()) as Answer;
  } catch {
    return undefined;
  }
}

/** Until `probe` answers; a condition, polled, never a fixed sleep. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  prefix = uniquePrefix();
  services = { nats: await testNats(prefix), db: await testDatabase(prefix) };
  port = await freePort();
  hub = await startHub();
  const signedUp = await request('/api/auth/sign-up/email', {
    body: { email: 'ann@family.test', password: 'correct horse battery', name: 'Ann' },
  });
  expect(signedUp.status).toBe(200);
  cookie = signedUp.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  // The family channel has Ann in it once its reactor has run.
  await until(async () => {
    const channels = (await (await request('/api/v1/channels')).json()) as { id: string }[];
    return channels.some((c) => c.id === 'family') ? true : undefined;
  }, 'the family channel');
  // A hub in a process of its own starts through tsx: slow on a machine busy with other files.
}, 180_000);

afterAll(async () => {
  if (hub && hub.exitCode === null) await killed(hub);
  await services?.db.cleanup();
  await services?.nats.cleanup();
});

describe('a hub killed with SIGKILL halfway through 2,000 commands', () => {
  it('keeps each accepted message exactly once, under the id its client was given', async () => {
    const answers = new Map<number, Answer>();
    let next = 0;
    let dying: Promise<void> | undefined;
    // Clients send until the hub dies under them: 1,000 answered, the rest in flight or unsent.
    const client = async () => {
      while (next < COMMANDS && !dying) {
        const i = next++;
        const answer = await post(i);
        if (answer) answers.set(i, answer);
        if (answers.size >= KILL_AFTER && !dying && hub) dying = killed(hub);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, client));
    await dying;
    expect(answers.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(answers.size).toBeLessThan(COMMANDS);

    hub = await startHub();
    // Every command without an answer goes again with its key, until each has one.
    const first = new Map(answers);
    for (let round = 0; answers.size < COMMANDS; round++) {
      expect(round, 'rounds of retries').toBeLessThan(5);
      const open = Array.from({ length: COMMANDS }, (_, i) => i).filter((i) => !answers.has(i));
      let at = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (at < open.length) {
            const i = open[at++] as number;
            const answer = await post(i);
            if (answer) answers.set(i, answer);
          }
        }),
      );
    }
    // A command answered before the kill answers the same again.
    for (const i of [...first.keys()].slice(0, 50)) expect(await post(i)).toEqual(first.get(i));

    // History, once the read model has every answered seq, paged back to its start.
    const last = Math.max(...[...answers.values()].map((a) => a.seq));
    const history: Answer[] = [];
    let before: number | undefined;
    for (;;) {
      const query = `channel=family&limit=200&after=${last}${before ? `&before_seq=${before}` : ''}`;
      const page = await until(async () => {
        const res = await request(`/api/v1/messages?${query}`);
        return res.status === 200 ? ((await res.json()) as Answer[]) : undefined;
      }, 'the history read model');
      history.push(...page);
      if (page.length < 200) break;
      before = page[0]?.seq;
    }
    const commands = history.filter((m) => m.content.startsWith('command '));
    const byContent = new Map<string, Answer[]>();
    for (const m of commands) byContent.set(m.content, [...(byContent.get(m.content) ?? []), m]);
    const twice = [...byContent].filter(([, ms]) => ms.length > 1).map(([content]) => content);
    expect(twice).toEqual([]);
    expect(commands).toHaveLength(COMMANDS);
    // Every id a client was given is in history, with the message it was given for.
    const byId = new Map(commands.map((m) => [m.id, m]));
    const unresolved = [...answers].filter(([i, a]) => byId.get(a.id)?.content !== `command ${i}`);
    expect(unresolved).toEqual([]);
  }, 60_000);
});
