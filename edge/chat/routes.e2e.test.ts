// The chat REST contract, route by route, on a whole hub over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, type Person, startChatHubs } from '../../test/sockets.ts';

type ChatMessage = {
  id: string;
  content: string;
  sender_id: string;
  channel_id: string;
  created_at: string;
  seq: number;
};

let t: ChatHubs;
let ann: Person; // the first account: admin
let bob: Person;
let cat: Person;

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  cat = await t.member('cat@family.test');
});
afterAll(() => t?.stop());

const post = (p: Person, body: object) => p.request('/api/v1/messages', { body });
const anonymous = (path: string, init: RequestInit = {}) => fetch(`${t.edges[0]?.url}${path}`, init);

describe('POST /api/v1/ws-token', () => {
  it('issues a single-use token to a signed-in person', async () => {
    const res = await ann.request('/api/v1/ws-token', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_at: string };
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(55_000);
  });

  it('answers 401 without a session', async () => {
    const res = await anonymous('/api/v1/ws-token', { method: 'POST' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
  });
});

describe('POST /api/v1/messages', () => {
  it('sends a message and answers it as a ChatMessage with its seq', async () => {
    const res = await post(ann, { channel: 'family', content: 'Hello family' });
    expect(res.status).toBe(201);
    const m = (await res.json()) as ChatMessage;
    expect(m).toMatchObject({ content: 'Hello family', sender_id: ann.id, channel_id: 'family' });
    expect(typeof m.id).toBe('string');
    expect(m.seq).toBeGreaterThan(0);
    expect(new Date(m.created_at).toISOString()).toBe(m.created_at);
  });

  it('lands once when retried with the same client id', async () => {
    const body = { channel: 'family', content: 'once', id: 'client-id-1' };
    const first = (await (await post(bob, body)).json()) as ChatMessage;
    const again = await post(bob, body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as ChatMessage).seq).toBe(first.seq);
  });

  it('answers 400 for a bad body, naming the field', async () => {
    for (const body of [
      { channel: 'family' },
      { channel: 'a.b', content: 'x' },
      { channel: 'family', content: 'x'.repeat(4001) },
      { channel: 'family', content: 'x', attachments: 'f1' },
    ]) {
      const res = await post(ann, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_request' });
    }
    // Empty text passes the schema (files alone make a message), not the decision.
    const empty = await post(ann, { channel: 'family', content: '' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'chat.empty_message' });
  });

  it('answers 403 to someone outside the channel, and 404 for an unknown channel', async () => {
    const { id } = await ann.json<{ id: string }>('/api/v1/channels', {
      body: { name: 'Parents', members: [bob.id] },
    });
    const res = await post(cat, { channel: id, content: 'let me in' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'chat.not_a_member' });
    expect((await post(cat, { channel: 'nope', content: 'x' })).status).toBe(404);
  });

  it('answers 401 without a session', async () => {
    const res = await anonymous('/api/v1/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'family', content: 'x' }),
    });
    expect(res.status).toBe(401);
  });
});

describe('GET /api/v1/messages', () => {
  it('returns the limit most recent messages before a time, oldest first, to page back', async () => {
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 5; i++)
      sent.push(
        await ann.json<ChatMessage>('/api/v1/messages', { body: { channel: 'family', content: `n${i}` } }),
      );
    const last = sent.at(-1) as ChatMessage;
    const page = await ann.json<ChatMessage[]>(`/api/v1/messages?channel=family&limit=2&after=${last.seq}`);
    expect(page.map((m) => m.content)).toEqual(['n3', 'n4']);
    for (const m of page)
      expect(Object.keys(m)).toEqual(
        expect.arrayContaining(['id', 'content', 'sender_id', 'channel_id', 'created_at', 'seq']),
      );
    const older = await ann.json<ChatMessage[]>(
      `/api/v1/messages?channel=family&limit=2&before=${encodeURIComponent((page[0] as ChatMessage).created_at)}`,
    );
    expect(older.every((m) => m.created_at < (page[0] as ChatMessage).created_at)).toBe(true);
    expect(older.length).toBe(2);
  });

  it('answers 400 on bad parameters', async () => {
    for (const q of [
      '',
      'channel=family&limit=0',
      'channel=family&limit=abc',
      'channel=family&limit=201',
      'channel=family&before=yesterday',
      'channel=family&extra=1',
    ]) {
      const res = await ann.request(`/api/v1/messages?${q}`);
      expect(res.status, q).toBe(400);
    }
  });

  it('answers 401 without a session and 403 outside the channel', async () => {
    expect((await anonymous('/api/v1/messages?channel=family')).status).toBe(401);
    const { id } = await bob.json<{ id: string }>('/api/v1/channels', { body: { name: 'Secret' } });
    expect((await cat.request(`/api/v1/messages?channel=${id}`)).status).toBe(403);
  });
});

describe('GET /api/v1/presence', () => {
  it('lists the channel members with their online state', async () => {
    const list = await ann.json<{ user_id: string; online: boolean; channel: string }[]>(
      '/api/v1/presence?channel=family',
    );
    expect(list.map((p) => p.user_id).sort()).toEqual([ann.id, bob.id, cat.id].sort());
    expect(list.every((p) => p.channel === 'family' && p.online === false)).toBe(true);
  });

  it('answers 400 without a channel and 401 without a session', async () => {
    expect((await ann.request('/api/v1/presence')).status).toBe(400);
    expect((await anonymous('/api/v1/presence?channel=family')).status).toBe(401);
  });
});

describe('GET /api/v1/channels', () => {
  it('lists the caller’s channels with unread counts and last seq', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: 'unread for cat' },
    });
    const channels = await cat.json<
      { id: string; name: string; kind: string; unread: number; last_seq: number }[]
    >(`/api/v1/channels?after=${m.seq}`);
    const family = channels.find((c) => c.id === 'family');
    expect(family).toMatchObject({ name: 'Family', kind: 'family', last_seq: m.seq });
    expect(family?.unread).toBeGreaterThan(0);
    const read = await cat.json<{ seq: number }>('/api/v1/channels/family/read', { body: { seq: m.seq } });
    const after = await cat.json<{ id: string; unread: number }[]>(`/api/v1/channels?after=${read.seq}`);
    expect(after.find((c) => c.id === 'family')?.unread).toBe(0);
  });

  it('answers 401 without a session', async () => {
    expect((await anonymous('/api/v1/channels')).status).toBe(401);
  });
});
