// Notifications and the family feed over a whole hub: told live on the socket, kept in the
// read model (read, unread, muted), withdrawn when done, repaired by a rebuild; and nothing of a
// DM reaches anyone it was not sent to, nor the feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomeFeed, NotificationsPage } from '../../contracts/home.api.ts';
import { DEFAULT_RULES } from '../../contracts/play.schema.ts';
import { type ChatHubs, type Person, type Socket, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let ann: Person; // the first account: an admin
let bob: Person;
let cara: Person;
let bobWs: Socket;

const hub = () => t.edges[0]?.hub as NonNullable<(typeof t.edges)[number]>['hub'];
const inbox = (p: Person, after?: number) =>
  p.json<NotificationsPage>(`/api/v1/notifications${after ? `?after=${after}` : ''}`);
const feed = (p: Person) => p.json<HomeFeed>('/api/v1/feed');

async function post(p: Person, channel: string, content: string, mentions: string[] = []) {
  const res = await p.request('/api/v1/messages', { body: { channel, content, mentions } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { seq: number; id: string }).seq;
}

/** Until the member's centre holds what `match` looks for. */
const told = (p: Person, match: (page: NotificationsPage) => boolean) =>
  t.eventually(async () => {
    const page = await inbox(p);
    return match(page) ? page : undefined;
  });

beforeAll(async () => {
  t = await startChatHubs();
  ann = await t.member('ann@family.test');
  bob = await t.member('bob@family.test');
  cara = await t.member('cara@family.test');
  bobWs = await bob.connect();
});
afterAll(async () => {
  await t?.stop();
});

describe('the notification centre', () => {
  it('tells a mention live to the member mentioned, and no one else', async () => {
    await post(ann, 'family', 'Dinner at seven, @bob?', [bob.id]);
    const frame = await bobWs.waitFor(
      (f) => f.type === 'home' && (f.notification as { kind?: string } | undefined)?.kind === 'mention',
      10_000,
    );
    expect(frame.notification).toMatchObject({ kind: 'mention', actor_id: ann.id, link: '/c/family' });
    const page = await told(bob, (p) => p.notifications.some((n) => n.kind === 'mention'));
    expect(page.unread).toBeGreaterThan(0);
    expect(page.notifications.find((n) => n.kind === 'mention')).toMatchObject({
      actor_name: 'ann',
      place: 'Family',
      body: 'Dinner at seven, @bob?',
      read: false,
    });
    expect((await inbox(cara)).notifications.some((n) => n.kind === 'mention')).toBe(false);
  });

  it('tells everyone else that someone joined, not the one who joined', async () => {
    const page = await told(ann, (p) => p.notifications.filter((n) => n.kind === 'joined').length >= 2);
    expect(page.notifications.filter((n) => n.kind === 'joined').map((n) => n.actor_id)).toEqual(
      expect.arrayContaining([bob.id, cara.id]),
    );
    expect((await inbox(cara)).notifications.some((n) => n.kind === 'joined' && n.actor_id === cara.id)).toBe(
      false,
    );
  });

  it('tells a DM to the other person only, and its text never reaches anyone else or the feed', async () => {
    const dm = await ann.json<{ id: string }>('/api/v1/dms', { method: 'POST', body: { user_id: bob.id } });
    await post(ann, dm.id, 'the secret birthday plan');
    const page = await told(bob, (p) => p.notifications.some((n) => n.kind === 'dm'));
    expect(page.notifications.find((n) => n.kind === 'dm')).toMatchObject({
      body: 'the secret birthday plan',
      link: `/c/${dm.id}`,
      place: '',
    });
    for (const p of [ann, cara]) expect(JSON.stringify(await inbox(p))).not.toContain('secret');
    for (const p of [ann, bob, cara]) expect(JSON.stringify(await feed(p))).not.toContain('secret');
  });

  it('marks one read, then all, and the count follows', async () => {
    const before = await inbox(bob);
    const first = before.notifications.find((n) => !n.read);
    expect(first).toBeDefined();
    const one = await bob.json<{ seq: number }>('/api/v1/notifications/read', {
      method: 'POST',
      body: { id: first?.id },
    });
    const after = await inbox(bob, one.seq);
    expect(after.unread).toBe(before.unread - 1);
    expect(after.notifications.find((n) => n.id === first?.id)?.read).toBe(true);
    const all = await bob.json<{ seq: number }>('/api/v1/notifications/read', { method: 'POST', body: {} });
    const none = await inbox(bob, all.seq);
    expect(none.unread).toBe(0);
    expect(none.notifications.every((n) => n.read)).toBe(true);
  });

  it('leaves out the kinds a member muted', async () => {
    const muted = await bob.json<{ seq: number }>('/api/v1/notifications/settings', {
      method: 'PUT',
      body: { muted: ['mention'] },
    });
    expect((await inbox(bob, muted.seq)).muted).toEqual(['mention']);
    expect((await inbox(bob)).notifications.some((n) => n.kind === 'mention')).toBe(false);
    const back = await bob.json<{ seq: number }>('/api/v1/notifications/settings', {
      method: 'PUT',
      body: { muted: [] },
    });
    expect((await inbox(bob, back.seq)).notifications.some((n) => n.kind === 'mention')).toBe(true);
  });

  it('refuses hostile input with the error envelope', async () => {
    const bad = await bob.request('/api/v1/notifications/settings', {
      method: 'PUT',
      body: { muted: ['nope'] },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: expect.any(String), error: expect.any(String) });
    const id = await bob.request('/api/v1/notifications/read', { body: { id: 'a b' } });
    expect(id.status).toBe(400);
  });
});

describe('chores and matches', () => {
  it('tells admins a chore waits, withdraws it once approved, tells the member, and the feed shows it', async () => {
    const chore = await ann.json<{ id: string }>('/api/v1/play/chores', {
      method: 'POST',
      body: { title: 'Feed the cat', points: 5 },
    });
    const done = await bob.json<{ id: string }>(`/api/v1/play/chores/${chore.id}/done`, {
      method: 'POST',
      body: {},
    });
    const waiting = await told(ann, (p) => p.notifications.some((n) => n.kind === 'chore_waiting'));
    expect(waiting.notifications.find((n) => n.kind === 'chore_waiting')).toMatchObject({
      actor_id: bob.id,
      place: 'Feed the cat',
    });
    // Only those who may approve are told.
    expect((await inbox(cara)).notifications.some((n) => n.kind === 'chore_waiting')).toBe(false);
    await ann.json(`/api/v1/play/chores/${chore.id}/completions/${done.id}/approve`, {
      method: 'POST',
      body: {},
    });
    await told(bob, (p) =>
      p.notifications.some((n) => n.kind === 'chore_approved' && n.place === 'Feed the cat'),
    );
    await told(ann, (p) => !p.notifications.some((n) => n.kind === 'chore_waiting'));
    const story = await t.eventually(async () => {
      const f = await feed(cara);
      return f.items.some((i) => i.kind === 'chore_approved') ? f : undefined;
    });
    expect(story.items.find((i) => i.kind === 'chore_approved')).toMatchObject({
      actor_id: bob.id,
      actor_name: 'bob',
      place: 'Feed the cat',
      detail: '+5 points',
    });
    expect(story.items.filter((i) => i.kind === 'joined').map((i) => i.actor_id)).toEqual(
      expect.arrayContaining([ann.id, bob.id, cara.id]),
    );
  });

  it('tells a player a match waits for them, and the feed shows it settled with the rating change', async () => {
    const match = await ann.json<{ id: string }>('/api/v1/play/matches', {
      method: 'POST',
      body: {
        game: 'Chess',
        placements: [
          { user_id: ann.id, place: 1 },
          { user_id: cara.id, place: 2 },
        ],
      },
    });
    await told(cara, (p) =>
      p.notifications.some((n) => n.kind === 'match_to_confirm' && n.place === 'Chess'),
    );
    await cara.json(`/api/v1/play/matches/${match.id}/confirm`, { method: 'POST' });
    await told(cara, (p) => !p.notifications.some((n) => n.kind === 'match_to_confirm'));
    const story = await t.eventually(async () => {
      const f = await feed(bob);
      const item = f.items.find((i) => i.kind === 'match_settled');
      return item?.ratings.every((r) => r.delta !== null) ? item : undefined;
    });
    expect(story).toMatchObject({ place: 'Chess', actor_id: ann.id });
    const mine = story.ratings.find((r) => r.user_id === ann.id);
    expect(mine?.delta).toBeGreaterThan(0);
  });
});

describe('milestones', () => {
  it('tells a level-up to the member and the family feed', async () => {
    const current = await ann.json<{ version: number }>('/api/v1/play/rules');
    const rules = {
      ...DEFAULT_RULES,
      xp: DEFAULT_RULES.xp.map((r) =>
        r.id === 'message' ? { id: 'message', on: 'message_posted', xp: 500 } : r,
      ),
    };
    const res = await ann.request('/api/v1/play/rules', {
      method: 'PUT',
      body: { expected_version: current.version, rules },
    });
    expect(res.status).toBe(201);
    await post(cara, 'family', 'a message worth a level');
    const page = await told(cara, (p) => p.notifications.some((n) => n.kind === 'level_up'));
    expect(page.notifications.find((n) => n.kind === 'level_up')?.link).toBe('/play');
    await t.eventually(async () =>
      (await feed(bob)).items.some((i) => i.kind === 'level_up' && i.actor_id === cara.id),
    );
  });
});

describe('a rebuild', () => {
  it('gives back the same notifications and feed', async () => {
    const before = await inbox(bob);
    const feedBefore = await feed(cara);
    for (const name of ['home_notifications', 'home_notifications_chat', 'home_feed', 'home_feed_identity']) {
      const done = await hub().deps.projectors.rebuild(name);
      expect(done.status).toBe('done');
    }
    expect(await inbox(bob)).toEqual(before);
    expect(await feed(cara)).toEqual(feedBefore);
  });
});
