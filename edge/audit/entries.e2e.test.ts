// GET /api/v1/audit/entries over a whole hub: every stream's events, who did them (and as
// whom), each filter and the pages; and every hostile parameter refused with a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../contracts/audit.api.ts';
import { type AuditFamily, everyEntry, startAuditFamily } from './family.fixture.ts';

let f: AuditFamily;
let all: AuditEntry[];

beforeAll(async () => {
  f = await startAuditFamily();
  all = await everyEntry(f);
}, 120_000);
afterAll(() => f?.stop());

const one = (action: string, more: (e: AuditEntry) => boolean = () => true) => {
  const found = all.find((e) => e.action === action && more(e));
  expect(found, action).toBeDefined();
  return found as AuditEntry;
};

describe('the audit entries', () => {
  it('hold the events of every stream, newest first', () => {
    expect(new Set(all.map((e) => e.stream))).toEqual(
      new Set(['IDENTITY', 'CHAT', 'PLAY', 'HOME', 'MEDIA', 'AUDIT']),
    );
    const order = all.map((e) => [e.at, e.stream, e.seq] as const);
    const sorted = [...order].sort((a, b) =>
      a[0] !== b[0] ? (a[0] < b[0] ? 1 : -1) : a[1] !== b[1] ? (a[1] < b[1] ? 1 : -1) : b[2] - a[2],
    );
    expect(order).toEqual(sorted);
  });

  it('say who did what to which aggregate, with the outcome and the sequence', () => {
    const edit = one('chat.MessageEdited');
    expect(edit).toMatchObject({
      stream: 'CHAT',
      actor_id: f.ids.member,
      actor_name: 'Mum',
      on_behalf_of: null,
      target: `chat.channel.${f.ids.dm}.message.${f.ids.message}`,
      outcome: 'ok',
      count: 1,
      details: { channel_id: f.ids.dm, message_id: f.ids.message, editor_id: f.ids.member },
    });
    expect(Date.parse(edit.at)).toBeGreaterThanOrEqual(f.editedBetween[0].getTime());
    expect(Date.parse(edit.at)).toBeLessThanOrEqual(f.editedBetween[1].getTime());
    expect(edit.seq).toBeGreaterThan(one('chat.MessagePosted').seq);
    expect(one('identity.RoleChanged')).toMatchObject({
      actor_id: f.ids.admin,
      actor_name: 'Boss',
      target: `identity.user.${f.ids.child}.account`,
      details: { user_id: f.ids.child, from_role: 'member', to_role: 'child' },
    });
    expect(one('play.ChoreDefined')).toMatchObject({
      stream: 'PLAY',
      actor_id: f.ids.admin,
      details: { points: 5 },
    });
    expect(one('media.MediaSettingsChanged')).toMatchObject({ details: { children_may_upload: true } });
    expect(one('home.NotificationsRead')).toMatchObject({ actor_id: f.ids.member });
    expect(one('audit.AttemptRefused')).toMatchObject({
      outcome: 'refused',
      count: 3,
      actor_name: 'Kiddo',
      details: { kind: 'REFUSAL_KIND_FORBIDDEN' },
    });
  });

  it('name the admin as the actor when an admin acts as someone', () => {
    const read = one('chat.ChannelRead', (e) => e.details.user_id === f.ids.child);
    expect(read).toMatchObject({ actor_id: f.ids.admin, actor_name: 'Boss' });
    expect(read).toMatchObject({ on_behalf_of: f.ids.child, on_behalf_of_name: 'Kiddo' });
  });

  it('filter by actor, action, target, outcome, time and text', async () => {
    const actions = async (query: Record<string, string>) =>
      (await everyEntry(f, query)).map((e) => e.action);
    const expected = (pick: (e: AuditEntry) => boolean) => all.filter(pick).map((e) => e.action);
    expect(await actions({ actor: f.ids.member })).toEqual(expected((e) => e.actor_id === f.ids.member));
    expect(await actions({ action: 'chat.' })).toEqual(expected((e) => e.action.startsWith('chat.')));
    expect(await actions({ action: 'chat.MessageEdited' })).toEqual(['chat.MessageEdited']);
    expect(await actions({ target: `chat.channel.${f.ids.dm}.` })).toEqual(
      expected((e) => e.target.startsWith(`chat.channel.${f.ids.dm}.`)),
    );
    expect(await actions({ outcome: 'refused' })).toEqual(['audit.AttemptRefused']);
    const edit = one('chat.MessageEdited');
    expect(
      await actions({ from: edit.at, to: new Date(Date.parse(edit.at) + 1).toISOString(), action: 'chat.' }),
    ).toEqual(['chat.MessageEdited']);
    expect(await actions({ q: 'kiddo', action: 'identity.UserRegistered' })).toEqual([
      'identity.UserRegistered',
    ]);
    expect(await actions({ q: 'REFUSAL_KIND_FORBIDDEN' })).toEqual(['audit.AttemptRefused']);
  });

  it('page through everything exactly once', async () => {
    const small = await everyEntry(f, { limit: '3' });
    expect(small.map((e) => `${e.stream}:${e.seq}`)).toEqual(all.map((e) => `${e.stream}:${e.seq}`));
    const first = await f.entries({ limit: '1' });
    expect(first.entries).toHaveLength(1);
    expect(first.next).toEqual(expect.any(String));
  });

  it('refuse hostile parameters with a 400 and the envelope', async () => {
    const cursor = (await f.entries({ limit: '1' })).next ?? '';
    const forged = Buffer.from('2030-01-01T00:00:00.000Z|NOPE|1').toString('base64url');
    const hostile: Record<string, string>[] = [
      { q: 'x'.repeat(10_000) },
      { q: 'a\u0000b' },
      { q: '' },
      { from: 'yesterday' },
      { from: '2024-02-30' },
      { to: '2024-13-01T00:00:00Z' },
      { to: '2024-01-01T25:00:00Z' },
      { limit: '-1' },
      { limit: '0' },
      { limit: '201' },
      { limit: '1e2' },
      { before: forged },
      { before: `${cursor}=` },
      { before: Buffer.from('2030-01-01T00:00:00.000Z|CHAT|1 OR 1=1').toString('base64url') },
      { before: Buffer.from('2030-02-30T00:00:00.000Z|CHAT|1').toString('base64url') },
      { before: "' OR 1=1 --" },
      { actor: "x' OR '1'='1" },
      { action: 'chat.%' },
      { target: 'chat.channel.*' },
      { outcome: 'maybe' },
      { format: 'csv' },
      { sort: 'at' },
    ];
    for (const query of hostile) {
      const res = await f.admin.request(`/api/v1/audit/entries?${new URLSearchParams(query)}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(await res.json()).toMatchObject({ code: 'invalid_request', error: expect.any(String) });
    }
    const repeated = await f.admin.request('/api/v1/audit/entries?q=a&q=b');
    expect(repeated.status).toBe(400);
    // Nothing changed: the same entries as before.
    expect((await everyEntry(f)).map((e) => `${e.stream}:${e.seq}`)).toEqual(
      all.map((e) => `${e.stream}:${e.seq}`),
    );
  });

  it('are for admins only', async () => {
    for (const who of [f.member, f.child]) {
      const res = await who.request('/api/v1/audit/entries');
      expect(res.status).toBe(403);
    }
  });
});
