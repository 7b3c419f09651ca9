// Who may be brought into something, and what outsiders learn: a banned member is refused as a
// new participant (a DM, a match, a challenge) with nothing appended; someone outside a DM gets
// one answer whether a message id there exists or not, over HTTP and over the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUser } from '../projectors/identity-users/queries.ts';
import { type ChatHubs, type Person, startChatHubs } from '../test/sockets.ts';

let hubs: ChatHubs;
let ann: Person;
let bob: Person;
let cy: Person;
let dee: Person;
let gone: Person;
let dm = '';
let posted = '';

const answer = async (res: Response) => ({
  status: res.status,
  body: (await res.json()) as Record<string, unknown>,
});
const lastSeqs = async () => {
  const { log } = hubs.edges[0]?.hub.deps ?? {};
  if (!log) throw new Error('no hub');
  return Promise.all(
    (['chat', 'play'] as const).map(
      async (d) => (await log.jsm.streams.info(log.names.stream(d))).state.last_seq,
    ),
  );
};

beforeAll(async () => {
  hubs = await startChatHubs();
  ann = await hubs.member('ann@family.test');
  bob = await hubs.member('bob@family.test');
  cy = await hubs.member('cy@family.test');
  dee = await hubs.member('dee@family.test');
  gone = await hubs.member('gone@family.test');
  dm = (await bob.json<{ id: string }>('/api/v1/dms', { body: { user_id: cy.id } })).id;
  posted = (await bob.json<{ id: string }>('/api/v1/messages', { body: { channel: dm, content: 'psst' } }))
    .id;
  await ann.json(`/api/v1/admin/users/${gone.id}/ban`, { body: {} });
  const db = hubs.edges[0]?.hub.deps.db;
  if (!db) throw new Error('no hub');
  await hubs.eventually(async () => (await findUser(db, gone.id))?.banned);
}, 60_000);
afterAll(async () => {
  await hubs?.stop();
});

describe('a banned member as a new participant', () => {
  const refusals = [
    {
      what: 'a direct message',
      code: 'chat.person_banned',
      send: () => bob.request('/api/v1/dms', { body: { user_id: gone.id } }),
    },
    {
      what: 'a new channel',
      code: 'chat.person_banned',
      send: () => ann.request('/api/v1/channels', { body: { name: 'Cousins', members: [gone.id] } }),
    },
    {
      what: 'a channel someone invites them to',
      code: 'chat.person_banned',
      send: () => ann.request('/api/v1/channels/family/members', { body: { user_id: gone.id } }),
    },
    {
      what: 'a match',
      code: 'play.person_banned',
      send: () =>
        bob.request('/api/v1/play/matches', {
          body: {
            game: 'Chess',
            placements: [
              { user_id: bob.id, place: 1 },
              { user_id: gone.id, place: 2 },
            ],
          },
        }),
    },
    {
      what: 'a challenge',
      code: 'play.person_banned',
      send: () =>
        ann.request('/api/v1/play/challenges', {
          body: { title: 'Read', metric: 'messages_sent', target: 3, reward_xp: 10, member_ids: [gone.id] },
        }),
    },
  ];

  for (const { what, code, send } of refusals) {
    it(`is refused for ${what}, with the envelope, and nothing is appended`, async () => {
      const before = await lastSeqs();
      const refused = await answer(await send());
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code, error: expect.any(String) });
      expect(await lastSeqs()).toEqual(before);
    });
  }

  it('leaves the same commands open to members in good standing', async () => {
    expect((await bob.request('/api/v1/dms', { body: { user_id: dee.id } })).status).toBe(201);
    const challenge = await ann.request('/api/v1/play/challenges', {
      body: { title: 'Read', metric: 'messages_sent', target: 3, reward_xp: 10, member_ids: [dee.id] },
    });
    expect(challenge.status).toBe(201);
  });
});

describe('someone outside a direct message', () => {
  const http = [
    ['deleting', 'DELETE', undefined, ''],
    ['editing', 'PATCH', { content: 'mine now' }, ''],
    ['reacting to', 'PUT', undefined, '/reactions/x'],
  ] as const;

  for (const [what, method, body, suffix] of http) {
    it(`gets the same answer ${what} a real message as a made-up one, over HTTP`, async () => {
      const at = (id: string) => `/api/v1/channels/${dm}/messages/${id}${suffix}`;
      const real = await answer(await dee.request(at(posted), { method, body }));
      const madeUp = await answer(await dee.request(at('01JZZZZZZZZZZZZZZZZZZZZZZZ'), { method, body }));
      expect(real).toEqual(madeUp);
      expect(real).toMatchObject({ status: 403, body: { code: 'chat.not_a_member' } });
    });
  }

  it('gets the same answer for a real message as for a made-up one, over the socket', async () => {
    const ws = await dee.connect();
    const refusal = async (frame: Record<string, unknown>, ref: string) => {
      ws.send({ ...frame, channel: dm, ref });
      const { code, message } = await ws.waitFor((f) => f.type === 'error' && f.ref === ref);
      return { code, message };
    };
    for (const [i, frame] of [
      { type: 'delete' },
      { type: 'edit', content: 'mine now' },
      { type: 'react', emoji: '👍' },
    ].entries()) {
      const real = await refusal({ ...frame, id: posted }, `real-${i}`);
      const madeUp = await refusal({ ...frame, id: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }, `made-up-${i}`);
      expect(real).toEqual(madeUp);
      expect(real.code).toBe('chat.not_a_member');
    }
    await ws.close();
  });

  it('leaves the message as it was', async () => {
    const history = await bob.json<{ id: string; content: string; deleted: boolean }[]>(
      `/api/v1/messages?channel=${dm}`,
    );
    expect(history.find((m) => m.id === posted)).toMatchObject({ content: 'psst', deleted: false });
  });
});
