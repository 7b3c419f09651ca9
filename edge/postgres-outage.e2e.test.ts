// Postgres killed under a hub while members post, then started again. Signed-in members keep
// posting (commands go to the log), reads answer 503 to retry, get-session answers from memory,
// and once the database is back the read models catch up on everything written meanwhile.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { type PrivatePostgres, privatePostgres } from '../test/postgres.ts';
import { openSocket } from '../test/sockets.ts';
import { readiness } from './http/ready.ts';

type Message = { id: string; seq: number; content: string };

let pg: PrivatePostgres;
let t: TestHub;
let server: Server;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
/** Members who posted before the outage (their sessions are known to this edge). */
let posters: TestClient[] = [];
/** Signed up before the outage, never looked up since: nothing about them is in memory. */
let dan: TestClient;

beforeAll(async () => {
  process.on('warning', onWarning);
  pg = await privatePostgres();
  t = await startTestHub({
    databaseUrl: pg.url,
    env: { HEARTH_COMMAND_RATE_LIMIT: '100000', HEARTH_AUTH_RATE_LIMIT: 'off' },
  });
  server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  t.hub.attach(server);
  posters = [t.client(), t.client(), t.client()];
  for (const [i, p] of posters.entries()) {
    expect((await p.signUp({ email: `poster${i}@family.test` })).status).toBe(200);
    await eventually(
      async () => {
        const channels = (await (await p.request('/api/v1/channels')).json()) as { id: string }[];
        return channels.some((c) => c.id === 'family') || undefined;
      },
      { timeoutMs: 20_000, what: 'the family channel' },
    );
  }
  dan = t.client();
  expect((await dan.signUp({ email: 'dan@family.test' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  process.off('warning', onWarning);
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await t?.stop();
  await pg?.cleanup();
});

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
  const body = (await res.json()) as { error: string; code: string };
  expect(body.code).toBe('unavailable');
  expect(body.error).toMatch(/\S/);
  return body;
}

describe('a hub whose Postgres is killed under load and started again', () => {
  it('keeps taking commands, answers reads 503, and catches up with no gap', async () => {
    const posted = new Map<string, string>();
    const refused: string[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    const count = { before: 0, down: 0, after: 0 };
    let stopping = false;
    let lastSeq = 0;
    const post = async (client: TestClient, name: string) => {
      for (let i = 0; !stopping; i++) {
        const content = `${name} ${i}`;
        const at = phase;
        const res = await client.request('/api/v1/messages', { body: { channel: 'family', content } });
        if (res.status === 201) {
          const m = (await res.json()) as Message;
          posted.set(m.id, content);
          lastSeq = Math.max(lastSeq, m.seq);
          count[at]++;
        } else refused.push(`${at}: ${res.status} ${await res.text()}`);
        // A steady trickle: the outage sees hundreds of posts, not tens of thousands.
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const sending = posters.map((p, i) => post(p, `poster${i}`));
    await eventually(async () => count.before >= 30 || undefined, { timeoutMs: 20_000, what: 'posts' });

    phase = 'down';
    await pg.kill();
    const [ann] = posters as [TestClient];

    // Reads that need a read model: 503 to retry, in the envelope.
    await expectUnavailable(await ann.request('/api/v1/messages?channel=family'));
    await expectUnavailable(await ann.request('/api/v1/channels'));
    // The session check other services make answers from memory...
    const session = await ann.request('/api/auth/get-session');
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe('poster0@family.test');
    // ...and a session it does not hold is a 503, never a 401 that would sign the person out.
    await expectUnavailable(await dan.request('/api/auth/get-session'));
    await expectUnavailable(await dan.request('/api/v1/channels'));
    // A new sign-in cannot be checked: said plainly.
    const signIn = await t.client().signIn({ email: 'dan@family.test' });
    expect((await expectUnavailable(signIn)).error).toMatch(/Signing in needs the database/);
    // A socket still opens on a ticket, and its frames still post.
    const { token } = (await (await ann.request('/api/v1/ws-token', { body: {} })).json()) as {
      token: string;
    };
    const ws = await openSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?token=${token}`);
    ws.send({ type: 'message', channel: 'family', content: 'over the socket', ref: 'r1' });
    const ack = (await ws.waitFor((f) => f.type === 'ack' && f.ref === 'r1')) as unknown as Message;
    posted.set(ack.id, 'over the socket');
    lastSeq = Math.max(lastSeq, ack.seq);
    await ws.close();
    expect((await readiness(t.hub.deps)).checks.postgres?.ok).toBe(false);
    // Down long enough for every read model's worker to retry several times.
    await eventually(async () => count.down >= 100 || undefined, { timeoutMs: 30_000, what: 'posts' });
    await new Promise((r) => setTimeout(r, 6000));

    phase = 'after';
    await pg.restart();
    await eventually(
      async () => ((await ann.request('/api/v1/channels')).status === 200 ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'reads to come back',
      },
    );
    await eventually(async () => count.after >= 30 || undefined, { timeoutMs: 20_000, what: 'posts' });
    stopping = true;
    await Promise.all(sending);
    expect(refused).toEqual([]);

    // History, once the read model has applied the last post, holds every post exactly once.
    const history = await eventually(async () => readHistory(ann, lastSeq), {
      timeoutMs: 60_000,
      what: 'history',
    });
    const ours = history.filter((m) => posted.has(m.id));
    expect(new Set(ours.map((m) => m.id)).size).toBe(ours.length);
    expect([...posted.keys()].filter((id) => !ours.some((m) => m.id === id))).toEqual([]);
    expect(ours.filter((m) => posted.get(m.id) !== m.content)).toEqual([]);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 180_000);
});

/** The whole family channel, paged back from its end, once the read model has applied `after`. */
async function readHistory(client: TestClient, after: number): Promise<Message[] | undefined> {
  const out: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const query = `channel=family&limit=200&after=${after}${before ? `&before_seq=${before}` : ''}`;
    const res = await client.request(`/api/v1/messages?${query}`);
    if (res.status !== 200) return undefined;
    const page = (await res.json()) as Message[];
    out.push(...page);
    if (page.length < 200) break;
    before = page[0]?.seq;
  }
  return out;
}
