// Pages of history answered from an edge's memory stay right when the change is made on
// another edge: two edges of one hub, a reader on the first and a writer on the second. A
// read-your-writes page (?after=) always holds the write; a plain read holds it once the
// first edge has heard the event; edits and deletions reach a page already in memory; and a
// page in memory is never shown to someone who may not read its channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../contracts/chat.api.ts';
import { type ChatHubs, type Edge, type Person, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let one: Edge;
let two: Edge;
let ann: Person; // reads on edge one
let bob: Person; // writes on edge two

beforeAll(async () => {
  t = await startChatHubs({ count: 2 });
  [one, two] = t.edges as [Edge, Edge];
  ann = await t.member('ann@family.test', one);
  bob = await t.member('bob@family.test', two);
});
afterAll(() => t?.stop());

const page = (p: Person, query = '') =>
  p.json<ChatMessage[]>(`/api/v1/messages?channel=family&limit=50${query}`);

describe('a page of history held in an edge’s memory', () => {
  it('answers the same bytes from memory as from the read model', async () => {
    await bob.json('/api/v1/messages', { body: { channel: 'family', content: 'first' } });
    // Nothing more on its way (the family reactor's "joined" lines included): the two reads
    // below can only differ if memory does.
    await expect
      .poll(async () => (await one.hub.deps.projectors.status()).every((p) => p.lag === 0), {
        timeout: 15_000,
      })
      .toBe(true);
    const fresh = await (await ann.request('/api/v1/messages?channel=family&limit=50')).text();
    const kept = await (await ann.request('/api/v1/messages?channel=family&limit=50')).text();
    expect(kept).toBe(fresh);
  });

  it('holds a message posted on the other edge: at once with ?after=, and soon without', async () => {
    await page(ann);
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: 'tea?' },
    });
    expect((await page(ann, `&after=${m.seq}`)).map((x) => x.id)).toContain(m.id);
    await expect.poll(async () => (await page(ann)).map((x) => x.id), { timeout: 15_000 }).toContain(m.id);
  });

  it('shows an edit and a deletion made on the other edge', async () => {
    const m = await bob.json<ChatMessage>('/api/v1/messages', {
      body: { channel: 'family', content: 'teh' },
    });
    expect((await page(ann, `&after=${m.seq}`)).find((x) => x.id === m.id)?.content).toBe('teh');
    const edited = await bob.json<{ seq: number }>(`/api/v1/channels/family/messages/${m.id}`, {
      method: 'PATCH',
      body: { content: 'tea' },
    });
    expect((await page(ann, `&after=${edited.seq}`)).find((x) => x.id === m.id)?.content).toBe('tea');
    await expect
      .poll(async () => (await page(ann)).find((x) => x.id === m.id)?.content, { timeout: 15_000 })
      .toBe('tea');
    const deleted = await bob.json<{ seq: number }>(`/api/v1/channels/family/messages/${m.id}`, {
      method: 'DELETE',
    });
    expect((await page(ann, `&after=${deleted.seq}`)).find((x) => x.id === m.id)?.deleted).toBe(true);
    await expect
      .poll(async () => (await page(ann)).find((x) => x.id === m.id)?.deleted, { timeout: 15_000 })
      .toBe(true);
  });

  it('is never shown to someone who may not read the channel', async () => {
    const dm = await ann.json<{ id: string }>('/api/v1/dms', { body: { user_id: bob.id } });
    await bob.json('/api/v1/messages', { body: { channel: dm.id, content: 'just us' } });
    const url = `/api/v1/messages?channel=${dm.id}&limit=50`;
    await expect.poll(async () => (await ann.json<ChatMessage[]>(url)).length, { timeout: 15_000 }).toBe(1);
    const cy = await t.member('cy@family.test', one);
    const res = await cy.request(url);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: expect.any(String) });
  });
});
