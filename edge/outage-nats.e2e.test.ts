// The log's server goes away under two edges and comes back: killed with SIGKILL mid-load and
// restarted on its store, its memory buckets deleted under a running hub, and restarted with no
// store at all. While it is away every command and every read that needs it is answered 503
// `unavailable` with Retry-After, never 500 and never after waiting out a timeout; once it is
// back, commands, tickets, presence and live messages work again without restarting the hub.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNames } from '../contracts/subjects.ts';
import { type PrivateNats, startPrivateNats } from '../test/private-nats.ts';
import { type ChatHubs, type Edge, type Person, type Socket, startChatHubs } from '../test/sockets.ts';

const MESSAGES = 3000;
const SENDERS_EACH = 3; // four people: twelve clients
const KILL_AFTER = 1000;
/** Outage answers seen before the server comes back. */
const OUTAGE_ANSWERS = 200;

type Answer = { id: string; seq: number; content: string };
type Reply = { status: number; at: number; ms: number; retryAfter: string | null; body: unknown };

let nats: PrivateNats;
let t: ChatHubs;
let one: Edge;
let two: Edge;
let people: Person[];
let ann: Person; // her socket on edge one
let bob: Person; // his socket on edge two

beforeAll(async () => {
  nats = await startPrivateNats();
  t = await startChatHubs({ count: 2, natsUrl: nats.url, env: { HEARTH_COMMAND_RATE_LIMIT: '100000' } });
  [one, two] = t.edges as [Edge, Edge];
  // Everyone's requests go to edge one: two hubs under load would hold most of the shared
  // Postgres's hundred connections between them. Edge two serves bob's socket.
  people = [];
  for (const name of ['ann', 'bob', 'cat', 'dan']) people.push(await t.member(`${name}@family.test`, one));
  [ann, bob] = people as [Person, Person];
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await nats?.cleanup();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ready = async (edge: Edge) => {
  const res = await fetch(`${edge.url}/ready`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, { detail?: string }> } };
};
const reply = async (res: Response, at: number): Promise<Reply> => ({
  status: res.status,
  at,
  ms: Date.now() - at,
  retryAfter: res.headers.get('Retry-After'),
  body: await res.json().catch(() => null),
});
/** What a 503 from an outage looks like: the envelope, and when to come back. */
const expectUnavailable = (r: Reply) => {
  expect(r.status).toBe(503);
  expect(r.body).toEqual({ error: expect.any(String), code: 'unavailable' });
  expect(Number(r.retryAfter)).toBeGreaterThan(0);
};
const join = async (ws: Socket, channel: string) => {
  ws.send({ type: 'join', channel });
  await ws.waitFor((f) => f.type === 'joined' && f.channel === channel);
};
const online = (userId: string) => (f: { type: string; [k: string]: unknown }) =>
  f.type === 'presence' && f.user_id === userId && f.online === true;

describe('a NATS server killed with SIGKILL and restarted mid-load', () => {
  it('answers 503 with Retry-After while it is away, never 500, and keeps each message once', async () => {
    const replies: Reply[] = [];
    const answers = new Map<number, Answer>();
    let next = 0;
    let killedAt = Number.POSITIVE_INFINITY;

    // Each message goes until it is answered, with its own Idempotency-Key, by the same person.
    const sender = async (person: Person) => {
      for (let i = next++; i < MESSAGES; i = next++) {
        for (;;) {
          const at = Date.now();
          const res = await person.request('/api/v1/messages', {
            body: { channel: 'family', content: `message ${i}` },
            headers: { 'Idempotency-Key': `outage-${i}` },
          });
          const r = await reply(res, at);
          replies.push(r);
          if (r.status === 200 || r.status === 201) {
            answers.set(i, r.body as Answer);
            break;
          }
          if (r.status !== 503) break; // counted below as a failure
          await pause(50);
        }
      }
    };
    const sending = Promise.all(people.flatMap((p) => Array.from({ length: SENDERS_EACH }, () => sender(p))));

    await t.eventually(async () => answers.size >= KILL_AFTER, 60_000);
    killedAt = Date.now();
    await nats.kill();
    // Reads that need the log, and a ticket, are answered as the commands are.
    let at = Date.now();
    expectUnavailable(await reply(await ann.request('/api/v1/messages?channel=family&limit=5'), at));
    at = Date.now();
    expectUnavailable(await reply(await ann.request('/api/v1/ws-token', { method: 'POST' }), at));
    const away = await ready(one);
    expect(away.status).toBe(503);
    expect(away.body.checks.nats).toMatchObject({ ok: false });
    await t.eventually(
      async () => replies.filter((r) => r.at > killedAt && r.status === 503).length >= OUTAGE_ANSWERS,
      30_000,
    );

    await nats.start();
    const backAt = Date.now();
    // Commands succeed again soon after the return (bounded well past the reconnect).
    await t.eventually(
      async () => replies.some((r) => r.at >= backAt && (r.status === 201 || r.status === 200)),
      10_000,
    );
    await sending;

    expect(replies.filter((r) => ![200, 201, 503].includes(r.status))).toEqual([]);
    const outage = replies.filter((r) => r.status === 503);
    expect(outage.length).toBeGreaterThanOrEqual(OUTAGE_ANSWERS);
    for (const r of outage) expectUnavailable(r);
    // Answered, none after waiting out the 5 s request timeout (the bench measures how fast:
    // a few ms; the bound only leaves a busy machine room).
    expect(Math.max(...outage.map((r) => r.ms))).toBeLessThan(4500);
    expect(answers.size).toBe(MESSAGES);

    // History, once the read model has every answered seq, paged back to its start.
    const last = Math.max(...[...answers.values()].map((a) => a.seq));
    const history: Answer[] = [];
    let before: number | undefined;
    for (;;) {
      const query = `channel=family&limit=200&after=${last}${before ? `&before_seq=${before}` : ''}`;
      const page = await t.eventually(async () => {
        const res = await ann.request(`/api/v1/messages?${query}`);
        return res.status === 200 ? ((await res.json()) as Answer[]) : undefined;
      }, 30_000);
      history.push(...page);
      if (page.length < 200) break;
      before = page[0]?.seq;
    }
    const sent = history.filter((m) => m.content.startsWith('message '));
    const counts = new Map<string, number>();
    for (const m of sent) counts.set(m.content, (counts.get(m.content) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(sent).toHaveLength(MESSAGES);
    const byId = new Map(sent.map((m) => [m.id, m.content]));
    expect([...answers].filter(([i, a]) => byId.get(a.id) !== `message ${i}`)).toEqual([]);
  }, 180_000);

  it('issues tickets again, and shows presence and live messages across both edges', async () => {
    const annWs = await ann.connect(one);
    const bobWs = await bob.connect(two);
    try {
      await join(annWs, 'family');
      await join(bobWs, 'family');
      await annWs.waitFor(online(bob.id), 10_000);
      bobWs.send({ type: 'message', channel: 'family', content: 'back again' });
      await annWs.waitFor((f) => f.type === 'message' && f.content === 'back again', 10_000);
      expect((await ready(one)).status).toBe(200);
      expect((await ready(two)).status).toBe(200);
    } finally {
      await annWs.close();
      await bobWs.close();
    }
  }, 60_000);
});

describe('a memory bucket deleted under a running hub', () => {
  it('is reported by /ready until it is made again, on first use', async () => {
    const admin = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(admin);
      const tickets = `KV_${createNames(t.prefix).kvBucket('ws_tokens')}`;
      await jsm.streams.delete(tickets);
      const missing = await ready(one);
      expect(missing.status).toBe(503);
      expect(missing.body.checks.jetstream?.detail).toContain(tickets);

      const res = await ann.request('/api/v1/ws-token', { method: 'POST' });
      expect(res.status).toBe(200);
      await t.eventually(async () => (await ready(one)).status === 200 && (await ready(two)).status === 200);

      // Presence's bucket, made again by the next heartbeat that finds it gone.
      await jsm.streams.delete(`KV_${createNames(t.prefix).kvBucket('presence')}`);
      const annWs = await ann.connect(one);
      const bobWs = await bob.connect(two);
      try {
        await join(annWs, 'family');
        await join(bobWs, 'family');
        await annWs.waitFor(online(bob.id), 10_000);
        await t.eventually(async () => (await ready(one)).status === 200);
      } finally {
        await annWs.close();
        await bobWs.close();
      }
    } finally {
      await admin.close();
    }
  }, 60_000);
});

describe('a NATS server restarted without its store', () => {
  it('gets its streams and buckets made again: commands, tickets, presence and live messages work', async () => {
    await nats.kill();
    await nats.start({ fresh: true });
    // The first ticket after the return is made in a bucket made again.
    await t.eventually(
      async () => (await ann.request('/api/v1/ws-token', { method: 'POST' })).status === 200,
    );
    // Every stream and bucket is there again, but the read models stand past the end of the
    // new streams: /ready says so, and stays 503 until an operator restores or rebuilds.
    for (const edge of [one, two]) {
      await t.eventually(async () => {
        const { status, body } = await ready(edge);
        return status === 503 && body.checks.jetstream?.detail === undefined && body.checks.projectors?.detail
          ? body.checks.projectors.detail
          : undefined;
      });
      expect((await ready(edge)).body.checks.projectors?.detail).toMatch(/lost its history/);
    }

    // The family channel went with the store; a new one is made on the new stream.
    const { id } = await ann.json<{ id: string }>('/api/v1/channels', {
      body: { name: 'After the flood', members: [bob.id] },
    });
    const annWs = await ann.connect(one);
    const bobWs = await bob.connect(two);
    try {
      await join(annWs, id);
      await join(bobWs, id);
      await annWs.waitFor(online(bob.id), 10_000);
      bobWs.send({ type: 'message', channel: id, content: 'on the new stream' });
      await annWs.waitFor((f) => f.type === 'message' && f.content === 'on the new stream', 10_000);
    } finally {
      await annWs.close();
      await bobWs.close();
    }
  }, 60_000);
});
