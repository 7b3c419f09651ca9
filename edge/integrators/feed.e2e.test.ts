// The event feed for integrators: API keys an admin issues, shown once, scoped per domain;
// events as JSON over Server-Sent Events, resumable with Last-Event-ID with no gap and no
// duplicate; a revoke cuts an open feed off at once; a reader that stops reading holds the hub
// to one batch.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminApiKey, ApiKeyMade, PublicEvent } from '../../contracts/integrators.api.ts';
import { eventually, identityEvents, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { type SseReader, sseReader } from '../../test/sse.ts';

const BATCH = 8;
const MAX_BYTES = 8 * 1024;
let t: TestHub;
let admin: TestClient;
let member: TestClient;
let memberId: string;
let channel: string;
let dm: string;
let chatRoot: string;

const json = async <T>(res: Response) => (await res.json()) as T;

const issue = async (scopes: string[], name = 'Integration') => {
  const res = await admin.request('/api/v1/admin/keys', { body: { name, scopes } });
  expect(res.status).toBe(201);
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  return json<ApiKeyMade>(res);
};

const feed = (key: string, query: string, headers: Record<string, string> = {}) =>
  t.hub.app.request(`${t.origin}/api/v1/events?${query}`, {
    headers: { Authorization: `Bearer ${key}`, ...headers },
  });

const take = async (reader: SseReader, n: number): Promise<PublicEvent[]> => {
  const out: PublicEvent[] = [];
  while (out.length < n) {
    const e = await reader.next();
    if (!e) break;
    out.push(JSON.parse(e.data) as PublicEvent);
  }
  return out;
};

const post = async (who: TestClient, to: string, content: string) => {
  const res = await who.request('/api/v1/messages', { body: { channel: to, content } });
  if (res.status !== 201) throw new Error(`post refused: ${res.status} ${await res.text()}`);
  return json<{ seq: number }>(res);
};

beforeAll(async () => {
  t = await startTestHub({
    integrators: { batch: BATCH, maxBytes: MAX_BYTES, heartbeatMs: 200 },
    env: { HEARTH_COMMAND_RATE_LIMIT: '10000' },
  });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  member = t.client();
  expect((await member.signUp({ email: 'kid@family.test', name: 'Kid' })).status).toBe(200);
  memberId = (await member.me()).id;
  // Both wait until chat has heard of the member's account: until then she is no one to add.
  channel = await eventually(
    async () => {
      const res = await admin.request('/api/v1/channels', { body: { name: 'Feed', members: [memberId] } });
      return res.status === 201 ? (await json<{ id: string }>(res)).id : undefined;
    },
    { timeoutMs: 30_000, what: 'a channel with the member in it' },
  );
  dm = await eventually(
    async () => {
      const res = await admin.request('/api/v1/dms', { body: { user_id: memberId } });
      return res.status < 300 ? (await json<{ id: string }>(res)).id : undefined;
    },
    { timeoutMs: 30_000, what: 'a direct message channel' },
  );
  chatRoot = t.hub.deps.log.names.domainFilter('chat');
  for (let i = 0; i < 5; i++) await post(admin, channel, `hello ${i}`);
  await post(member, dm, 'a secret between us');
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('an API key', () => {
  it('is shown once; the log and the list keep only its hash and what it may do', async () => {
    const made = await issue(['chat:read']);
    expect(made.key).toMatch(/^hk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const issued = (await identityEvents(t.hub)).find(
      (e) => e.case === 'apiKeyIssued' && e.value.keyId === made.id,
    );
    const secret = made.key.split('_').slice(2).join('_');
    expect(issued?.case === 'apiKeyIssued' && Buffer.from(issued.value.secretHash).toString('hex')).toBe(
      createHash('sha256').update(secret).digest('hex'),
    );
    const list = await json<AdminApiKey[]>(await admin.request(`/api/v1/admin/keys?after=${made.seq}`));
    const row = list.find((k) => k.id === made.id);
    expect(row).toMatchObject({ name: 'Integration', scopes: ['chat:read'], status: 'active' });
    expect(JSON.stringify(list)).not.toContain(secret);
  });

  it('is issued and listed by admins only', async () => {
    expect((await member.request('/api/v1/admin/keys')).status).toBe(403);
    const res = await member.request('/api/v1/admin/keys', { body: { name: 'x', scopes: ['chat:read'] } });
    expect(res.status).toBe(403);
  });

  it('authenticates the feed and nothing else; a session does not open the feed', async () => {
    const { key } = await issue(['chat:read', 'identity:read']);
    const me = await t.hub.app.request(`${t.origin}/api/v1/people`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(me.status).toBe(401);
    const res = await admin.request(`/api/v1/events?subjects=${chatRoot}`);
    expect(res.status).toBe(401);
    expect((await json<{ code: string }>(res)).code).toBe('integrators.key_required');
    const wrong = await feed(`${key.slice(0, -4)}AAAA`, `subjects=${chatRoot}`);
    expect(wrong.status).toBe(401);
  });
});

describe('the feed', () => {
  it('sends events as JSON from a seq, personal fields sealed without the personal scope', async () => {
    const { key } = await issue(['chat:read']);
    const res = await feed(
      key,
      `subjects=${encodeURIComponent(`${chatRoot.slice(0, -1)}channel.${channel}.>`)}&from_seq=1`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = sseReader(res);
    const events: PublicEvent[] = [];
    const posts = () => events.filter((e) => e.type === 'hearth.chat.v1.MessagePosted');
    while (posts().length < 5) {
      const more = await take(reader, 1);
      if (more.length === 0) throw new Error('the feed ended');
      events.push(...more);
    }
    await reader.cancel();
    expect(events[0]?.type).toBe('hearth.chat.v1.ChannelCreated');
    const [first] = posts();
    expect(first).toMatchObject({ stream: t.hub.deps.log.names.stream('chat'), personal: 'sealed' });
    expect(first?.id).toBe(`${first?.stream}/${first?.seq}`);
    expect(JSON.stringify(events)).not.toContain('hello');
    expect(first?.payload).toMatchObject({ channelId: channel });
  });

  it('opens personal fields with the personal scope, never a direct message’s text', async () => {
    const { key } = await issue(['chat:read', 'chat:personal']);
    const reader = sseReader(await feed(key, `subjects=${encodeURIComponent(chatRoot)}&from_seq=1`));
    const events: PublicEvent[] = [];
    while (!events.some((e) => e.type === 'hearth.chat.v1.MessagePosted' && e.subject.includes(dm))) {
      const more = await take(reader, 1);
      if (more.length === 0) throw new Error('the feed ended');
      events.push(...more);
    }
    await reader.cancel();
    const inChannel = events.filter(
      (e) => e.type === 'hearth.chat.v1.MessagePosted' && e.subject.includes(channel),
    );
    expect(inChannel.map((e) => e.payload.content)).toEqual([
      'hello 0',
      'hello 1',
      'hello 2',
      'hello 3',
      'hello 4',
    ]);
    expect(inChannel[0]?.personal).toBe('open');
    const secret = events.find((e) => e.type === 'hearth.chat.v1.MessagePosted' && e.subject.includes(dm));
    expect(secret?.personal).toBe('sealed');
    expect(JSON.stringify(events)).not.toContain('a secret between us');
  });

  it('resumes after Last-Event-ID with no gap and no duplicate', async () => {
    const { key } = await issue(['chat:read']);
    const subjects = encodeURIComponent(chatRoot);
    const all = sseReader(await feed(key, `subjects=${subjects}&from_seq=1`));
    const whole = await take(all, 9);
    await all.cancel();
    const first = sseReader(await feed(key, `subjects=${subjects}&from_seq=1`));
    const head = await take(first, 4);
    await first.cancel();
    const last = head.at(-1)?.id ?? '';
    const second = sseReader(await feed(key, `subjects=${subjects}`, { 'Last-Event-ID': last }));
    const tail = await take(second, 5);
    await second.cancel();
    expect([...head, ...tail].map((e) => e.seq)).toEqual(whole.map((e) => e.seq));
    expect(new Set(whole.map((e) => e.seq)).size).toBe(whole.length);
  });

  it('follows what is appended next, and beats while there is nothing', async () => {
    const { key } = await issue(['chat:read']);
    const reader = sseReader(await feed(key, `subjects=${encodeURIComponent(chatRoot)}`));
    const { seq } = await post(admin, channel, 'live');
    const [event] = await take(reader, 1);
    expect(event?.seq).toBe(seq);
    // Reading on (a heartbeat is no event: next() keeps reading past it).
    void reader.next().catch(() => undefined);
    await eventually(async () => (reader.comments().includes('heartbeat') ? true : undefined), {
      what: 'a heartbeat',
    });
    await reader.cancel();
  });
});

describe('scopes', () => {
  it('refuses subjects outside the domains the key reads', async () => {
    const { key } = await issue(['play:read']);
    const res = await feed(key, `subjects=${encodeURIComponent(chatRoot)}`);
    expect(res.status).toBe(403);
    expect((await json<{ code: string }>(res)).code).toBe('integrators.scope_denied');
  });

  it('refuses filters of two domains, wildcard domains and malformed ids', async () => {
    const { key } = await issue(['chat:read', 'play:read']);
    const play = t.hub.deps.log.names.domainFilter('play');
    const root = chatRoot.slice(0, -'chat.>'.length);
    for (const subjects of [
      `${chatRoot},${play}`,
      `${root}*.>`,
      `${root}>`,
      'elsewhere.>',
      `${chatRoot}.x`,
    ]) {
      expect((await feed(key, `subjects=${encodeURIComponent(subjects)}`)).status).toBe(400);
    }
    const bad = await feed(key, `subjects=${encodeURIComponent(chatRoot)}`, { 'Last-Event-ID': 'PLAY/3' });
    expect(bad.status).toBe(400);
  });
});

describe('a revoked key', () => {
  it('is cut off at once, an open feed included, and opens nothing after', async () => {
    const made = await issue(['chat:read']);
    const reader = sseReader(await feed(made.key, `subjects=${encodeURIComponent(chatRoot)}&from_seq=1`));
    await take(reader, 1);
    const res = await admin.request(`/api/v1/admin/keys/${made.id}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    // The stream ends: whatever was already written is read, then nothing more.
    while ((await reader.next()) !== null);
    expect((await feed(made.key, `subjects=${encodeURIComponent(chatRoot)}`)).status).toBe(401);
  });
});

describe('a slow reader', () => {
  it('holds the hub to a bounded number of events, then gets them all', async () => {
    const subject = `${chatRoot.slice(0, -1)}channel.${channel}.>`;
    const before = (await identityEvents(t.hub)).length; // touches nothing in chat
    expect(before).toBeGreaterThan(0);
    const total = 120;
    for (let i = 0; i < total; i++) await post(admin, channel, `bulk ${i}`);
    const { key } = await issue(['chat:read']);
    const reader = sseReader(await feed(key, `subjects=${encodeURIComponent(subject)}&from_seq=1`));
    const read = await take(reader, 3);
    expect(read).toHaveLength(3);
    // Not reading: the server fetches a batch or two ahead, then waits on the reader.
    const { log } = t.hub.deps;
    const delivered = async () => {
      for await (const c of log.jsm.consumers.list(log.names.stream('chat'))) {
        if (c.config.filter_subject === subject && !c.config.durable_name) return c.delivered.stream_seq;
      }
      return undefined;
    };
    const settled = await eventually(
      async () => {
        const a = await delivered();
        await new Promise((r) => setTimeout(r, 100));
        const b = await delivered();
        return a !== undefined && a === b && t.hub.integrators.feeds().open > 0 ? b : undefined;
      },
      { what: 'the feed waiting on its reader' },
    );
    const lastSeq = (await log.jsm.streams.info(log.names.stream('chat'))).state.last_seq;
    expect(settled).toBeLessThan(lastSeq);
    expect(t.hub.integrators.feeds().buffered).toBeLessThanOrEqual(BATCH);
    const rest: PublicEvent[] = [];
    while (!rest.some((e) => e.seq === lastSeq)) {
      const more = await take(reader, 1);
      if (more.length === 0) throw new Error('the feed ended');
      rest.push(...more);
    }
    await reader.cancel();
    const seqs = [...read, ...rest].map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 60_000);
});
