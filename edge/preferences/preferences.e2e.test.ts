// Members' own preferences over two edge processes on one namespace and one database: each
// reads and changes only their own, the muted kinds are home's settings, and a change reaches
// every socket of that member on both edges, and nobody else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationsPage } from '../../contracts/home.api.ts';
import { DEFAULT_PREFERENCES, type PreferencesAnswer } from '../../contracts/preferences.api.ts';
import { type ChatHubs, type Edge, type Person, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let one: Edge;
let two: Edge;
let ann: Person; // on edge one
let bob: Person; // on edge two

beforeAll(async () => {
  t = await startChatHubs({ count: 2 });
  [one, two] = t.edges as [Edge, Edge];
  ann = await t.signUp('ann@family.test', one);
  bob = await t.signUp('bob@family.test', two);
});
afterAll(() => t?.stop());

const patch = (p: Person, body: unknown) => p.request('/api/v1/me/preferences', { method: 'PATCH', body });

describe('a member’s preferences', () => {
  it('are the defaults until they choose', async () => {
    expect(await ann.json<PreferencesAnswer>('/api/v1/me/preferences')).toEqual({
      preferences: DEFAULT_PREFERENCES,
      seq: 0,
    });
  });

  it('change as sent, the rest kept, and read back after the change', async () => {
    const res = await patch(ann, {
      theme: 'dark',
      language: 'de',
      time_zone: 'Europe/Berlin',
      assistant_model: 'llama3.1:8b',
      assistant_prompt: 'Antworte kurz.',
      muted_notifications: ['joined', 'dm'],
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as PreferencesAnswer;
    const expected = {
      theme: 'dark',
      language: 'de',
      time_zone: 'Europe/Berlin',
      assistant_model: 'llama3.1:8b',
      assistant_prompt: 'Antworte kurz.',
      muted_notifications: ['dm', 'joined'],
    };
    expect(answer.preferences).toEqual(expected);
    expect(answer.seq).toBeGreaterThan(0);
    expect(answer.notifications_seq).toBeGreaterThan(0);
    const read = await ann.json<PreferencesAnswer>(
      `/api/v1/me/preferences?after=${answer.seq}&notifications_after=${answer.notifications_seq}`,
    );
    expect(read).toEqual({ preferences: expected, seq: answer.seq });
    // The muted kinds are the notification centre's own settings.
    expect((await ann.json<NotificationsPage>('/api/v1/notifications')).muted).toEqual(['dm', 'joined']);

    const again = (await (await patch(ann, { theme: 'light' })).json()) as PreferencesAnswer;
    expect(again.preferences).toEqual({ ...expected, theme: 'light' });
    expect(again.notifications_seq).toBeUndefined();
  });

  it('answer a muted-only change with the position home’s read model is waited on for', async () => {
    const res = await patch(ann, { muted_notifications: ['dm'] });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as PreferencesAnswer;
    // Home's stream has positions of its own: ?after= alone would not wait for them.
    expect(answer.notifications_seq).toBeGreaterThan(0);
    // The read waits for home's read model too, not only its own.
    const read = await ann.json<PreferencesAnswer>(
      `/api/v1/me/preferences?after=${answer.seq}&notifications_after=${answer.notifications_seq}`,
    );
    expect(read.preferences.muted_notifications).toEqual(['dm']);
    const bad = await ann.request('/api/v1/me/preferences?notifications_after=x');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'invalid_request',
      details: { field: 'notifications_after' },
    });
  });

  it('are each member’s own', async () => {
    expect((await bob.json<PreferencesAnswer>('/api/v1/me/preferences')).preferences).toEqual(
      DEFAULT_PREFERENCES,
    );
    // There is no member to name: a body naming one is refused.
    expect((await patch(bob, { member_id: ann.id, theme: 'dark' })).status).toBe(400);
  });

  it('refuses a time zone that does not exist, a language not offered, an empty change, a prompt too long', async () => {
    const refused = async (body: unknown) => {
      const res = await patch(ann, body);
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    };
    expect(await refused({ time_zone: 'Mars/Olympus_Mons' })).toEqual({
      status: 400,
      code: 'preferences.invalid_time_zone',
    });
    expect(await refused({ language: 'tlh' })).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await refused({})).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await refused({ assistant_prompt: 'x'.repeat(4001) })).toMatchObject({ status: 400 });
    expect(await refused({ assistant_model: 'x'.repeat(101) })).toMatchObject({ status: 400 });
  });

  it('reach every open socket of the member on both edges, and no one else’s', async () => {
    const annOne = await ann.connect(one);
    const annTwo = await ann.connect(two);
    const bobOne = await bob.connect(one);
    const bobTwo = await bob.connect(two);
    const res = await patch(ann, { theme: 'dark', assistant_prompt: 'Be brief.' });
    expect(res.status).toBe(200);
    const wanted = (f: { type: string; preferences?: unknown }) =>
      f.type === 'preferences' &&
      JSON.stringify(f.preferences) === JSON.stringify({ theme: 'dark', assistant_prompt: 'Be brief.' });
    await annOne.waitFor(wanted);
    await annTwo.waitFor(wanted);
    // The muted kinds, changed on the other edge, arrive the same way.
    await ann.request('/api/v1/notifications/settings', { method: 'PUT', body: { muted: ['mention'] } });
    const muted = (f: { type: string; preferences?: unknown }) =>
      f.type === 'preferences' &&
      JSON.stringify(f.preferences) === JSON.stringify({ muted_notifications: ['mention'] });
    await annOne.waitFor(muted);
    await annTwo.waitFor(muted);
    // A sentinel for Bob down both streams (PREFERENCES and HOME), appended after Ann's
    // changes: each follower delivers in stream order, so once both of Bob's sockets hold
    // both halves, any frame of Ann's sent to them would be there too.
    expect((await patch(bob, { language: 'fr', muted_notifications: ['dm'] })).status).toBe(200);
    const bobs = [
      { type: 'preferences', preferences: { language: 'fr' } },
      { type: 'preferences', preferences: { muted_notifications: ['dm'] } },
    ];
    const key = (f: unknown) => JSON.stringify(f);
    for (const socket of [bobOne, bobTwo]) {
      for (const frame of bobs) await socket.waitFor((f) => key(f) === key(frame));
      const got = socket.frames.filter((f) => f.type === 'preferences').map(key);
      expect(got.sort()).toEqual(bobs.map(key).sort());
    }
    await Promise.all([annOne.close(), annTwo.close(), bobOne.close(), bobTwo.close()]);
  });
});
