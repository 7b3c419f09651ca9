// The chat REST API beyond the seed contract: channels, DMs, edits, reactions, read marks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, type Person, startChatHubs } from '../../test/sockets.ts';

type Summary = {
  id: string;
  name: string;
  kind: string;
  unread: number;
  last_seq: number;
  members: string[];
};
type Detail = { id: string; archived: boolean; members: { user_id: string; read_seq: number }[] };
type ChatMessage = {
  id: string;
  content: string;
  seq: number;
  deleted: boolean;
  edited_at: string | null;
  reactions: Record<string, string[]>;
};

let t: ChatHubs;
let ann: Person; // admin
let bob: Person;
let cat: Person;

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  cat = await t.member('cat@family.test');
  // A child may chat but not create channels.
  await ann.json(`/api/v1/admin/users/${cat.id}/role`, { body: { role: 'child' } });
});
afterAll(() => t?.stop());

describe('channels', () => {
  it('are created by members with the people they invite, and listed for them only', async () => {
    const { id, seq } = await bob.json<{ id: string; seq: number }>('/api/v1/channels', {
      body: { name: 'Garden', members: [ann.id] },
    });
    const bobs = await bob.json<Summary[]>(`/api/v1/channels?after=${seq}`);
    expect(bobs.find((c) => c.id === id)).toMatchObject({ name: 'Garden', kind: 'group', unread: 0 });
    expect(bobs.find((c) => c.id === id)?.members.sort()).toEqual([bob.id, ann.id].sort());
    expect((await cat.json<Summary[]>(`/api/v1/channels?after=${seq}`)).some((c) => c.id === id)).toBe(false);
    expect((await cat.request(`/api/v1/channels/${id}`)).status).toBe(403);
  });

  it('are not created by a child, nor with people who do not exist', async () => {
    expect((await cat.request('/api/v1/channels', { body: { name: 'Mine' } })).status).toBe(403);
    const res = await bob.request('/api/v1/channels', { body: { name: 'Ghosts', members: ['nobody'] } });
    expect(res.status).toBe(404);
    expect((await bob.request('/api/v1/channels', { body: { name: '' } })).status).toBe(400);
  });

  it('take invited members, lose removed ones, and stop taking messages once archived', async () => {
    const { id } = await bob.json<{ id: string }>('/api/v1/channels', { body: { name: 'Holiday' } });
    const invited = await bob.json<{ seq: number }>(`/api/v1/channels/${id}/members`, {
      body: { user_id: cat.id },
    });
    const detail = await cat.json<Detail>(`/api/v1/channels/${id}?after=${invited.seq}`);
    expect(detail.members.map((m) => m.user_id).sort()).toEqual([bob.id, cat.id].sort());
    // Only the creator (or an admin) removes someone else; anyone may leave.
    expect((await cat.request(`/api/v1/channels/${id}/members/${bob.id}`, { method: 'DELETE' })).status).toBe(
      403,
    );
    await cat.json(`/api/v1/channels/${id}/members/${cat.id}`, { method: 'DELETE' });
    expect((await cat.request('/api/v1/messages', { body: { channel: id, content: 'back?' } })).status).toBe(
      403,
    );
    await bob.json(`/api/v1/channels/${id}/archive`, { method: 'POST' });
    const refused = await bob.request('/api/v1/messages', { body: { channel: id, content: 'too late' } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'chat.channel_archived' });
  });

  it('show who has seen what through each member’s watermark', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: 'seen?' },
    });
    const read = await ann.json<{ seq: number }>('/api/v1/channels/family/read', { body: { seq: m.seq } });
    const detail = await ann.json<Detail>(`/api/v1/channels/family?after=${read.seq}`);
    const seenBy = detail.members.filter((x) => x.read_seq >= m.seq).map((x) => x.user_id);
    expect(seenBy.sort()).toEqual([ann.id, bob.id].sort());
  });
});

describe('direct messages', () => {
  it('open one conversation per pair, found again by either side', async () => {
    const first = await ann.request('/api/v1/dms', { body: { user_id: bob.id } });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await bob.json<{ id: string; seq: number }>('/api/v1/dms', { body: { user_id: ann.id } });
    expect(again.id).toBe(id);
    const channels = await bob.json<Summary[]>(`/api/v1/channels?after=${again.seq}`);
    expect(channels.find((c) => c.id === id)).toMatchObject({ kind: 'dm' });
    expect((await cat.request('/api/v1/messages', { body: { channel: id, content: 'hi' } })).status).toBe(
      403,
    );
    expect((await ann.request('/api/v1/dms', { body: { user_id: ann.id } })).status).toBe(400);
  });
});

describe('changing messages over REST', () => {
  it('edits, reacts and deletes, leaving a tombstone in the history', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: 'draft' },
    });
    const path = `/api/v1/channels/family/messages/${m.id}`;
    expect((await cat.request(path, { method: 'PATCH', body: { content: 'not yours' } })).status).toBe(403);
    await bob.json(path, { method: 'PATCH', body: { content: 'final' } });
    await cat.json(`${path}/reactions/${encodeURIComponent('❤️')}`, { method: 'PUT' });
    const reacted = await ann.json<{ seq: number }>(`${path}/reactions/${encodeURIComponent('❤️')}`, {
      method: 'PUT',
    });
    let history = await ann.json<ChatMessage[]>(`/api/v1/messages?channel=family&after=${reacted.seq}`);
    expect(history.find((x) => x.id === m.id)).toMatchObject({
      content: 'final',
      reactions: { '❤️': [cat.id, ann.id] },
    });
    expect(history.find((x) => x.id === m.id)?.edited_at).not.toBeNull();
    const deleted = await bob.json<{ seq: number }>(path, { method: 'DELETE' });
    history = await ann.json<ChatMessage[]>(`/api/v1/messages?channel=family&after=${deleted.seq}`);
    expect(history.find((x) => x.id === m.id)).toMatchObject({ content: '', deleted: true, reactions: {} });
  });

  it('lists the messages that mention me in my channels', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: '@cat dinner', mentions: [cat.id, 'stranger'] },
    });
    expect(m).toMatchObject({ mentions: [cat.id] });
    const mine = await cat.json<ChatMessage[]>(`/api/v1/mentions?after=${m.seq}`);
    expect(mine.map((x) => x.id)).toContain(m.id);
  });
});
