// A retried command answers exactly what its first attempt answered, on every route that
// generates ids on the server, and the id it answers is one that exists. Also when the first
// attempt's process died between the append and the answer (its ledger entry then holds the
// claimed ids but no sequence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../test/hub.ts';
import { ledgerKey, readLedger, writeLedger } from '../writers/log/ledger.ts';

let t: TestHub;
let admin: TestClient;
let bob: TestClient;
const ids = { admin: '', bob: '', cy: '' };
let keys = 0;

type Json = Record<string, unknown>;
type Case = {
  route: string;
  who: () => TestClient;
  path: () => Promise<string> | string;
  body: () => Json;
  /** Uses the answered id; throws when it does not resolve. */
  resolves: (first: Json) => Promise<Response>;
};

const send = (who: TestClient, path: string, body: Json, key?: string) =>
  who.request(`/api/v1${path}`, { body, headers: key ? { 'Idempotency-Key': key } : {} });
const read = async (res: Response) => ({ status: res.status, body: (await res.json()) as Json });

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'ann@family.test', name: 'Ann' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  const cy = t.client();
  await cy.signUp({ email: 'cy@family.test', name: 'Cy' });
  ids.admin = (await admin.me()).id;
  ids.bob = (await bob.me()).id;
  ids.cy = (await cy.me()).id;
  await eventually(async () => {
    const people = (await (await admin.request('/api/v1/people')).json()) as unknown[];
    return people.length === 3 ? true : undefined;
  });
});
afterAll(async () => {
  await t?.stop();
});

const choreId = async () => {
  const res = await send(admin, '/play/chores', { title: `Chore ${++keys}`, points: 5, recurrence: 'daily' });
  return (await res.json()).id as string;
};

const cases: Case[] = [
  {
    route: 'POST /messages',
    who: () => bob,
    path: () => '/messages',
    body: () => ({ channel: 'family', content: 'retried hello' }),
    resolves: (first) =>
      bob.request(`/api/v1/channels/family/messages/${first.id}`, {
        method: 'PATCH',
        body: { content: 'edited hello' },
      }),
  },
  {
    route: 'POST /channels',
    who: () => admin,
    path: () => '/channels',
    body: () => ({ name: 'Trips', members: [ids.bob] }),
    resolves: (first) => admin.request(`/api/v1/channels/${first.id}/members`, { body: { user_id: ids.cy } }),
  },
  {
    route: 'POST /dms',
    who: () => bob,
    path: () => '/dms',
    body: () => ({ user_id: ids.cy }),
    resolves: (first) => bob.request('/api/v1/messages', { body: { channel: first.id, content: 'hi Cy' } }),
  },
  {
    route: 'POST /play/matches',
    who: () => admin,
    path: () => '/play/matches',
    body: () => ({
      game: 'Chess',
      placements: [
        { user_id: ids.admin, place: 1 },
        { user_id: ids.bob, place: 2 },
      ],
    }),
    resolves: (first) => bob.request(`/api/v1/play/matches/${first.id}/confirm`, { method: 'POST' }),
  },
  {
    route: 'POST /play/chores',
    who: () => admin,
    path: () => '/play/chores',
    body: () => ({ title: 'Dishes', points: 10, recurrence: 'daily' }),
    resolves: (first) => bob.request(`/api/v1/play/chores/${first.id}/done`, { body: {} }),
  },
  {
    route: 'POST /play/chores/:id/done',
    who: () => bob,
    path: async () => `/play/chores/${await choreId()}/done`,
    body: () => ({ note: 'done' }),
    resolves: (first) =>
      admin.request(`/api/v1/play/chores/${first.chore_id}/completions/${first.id}/approve`, {
        body: { member_id: ids.bob },
      }),
  },
  {
    route: 'POST /play/challenges',
    who: () => admin,
    path: () => '/play/challenges',
    body: () => ({ title: 'Read', metric: 'messages_sent', target: 3, reward_xp: 10, member_ids: [ids.bob] }),
    resolves: (first) => admin.request(`/api/v1/play/challenges/${first.id}/cancel`, { method: 'POST' }),
  },
];

describe.each(cases)('$route retried with its Idempotency-Key', ({ who, path, body, resolves }) => {
  it('answers the first answer again, and the id in it resolves', async () => {
    const key = `retry-${++keys}`;
    const at = await path();
    // 201, or 200 for a conversation that was already open.
    const first = await read(await send(who(), at, body(), key));
    expect([200, 201]).toContain(first.status);
    const again = await read(await send(who(), at, body(), key));
    expect(again).toEqual({ status: 200, body: first.body });
    const used = await resolves(first.body);
    expect(used.status, JSON.stringify(await used.clone().json())).toBeLessThan(300);
  });

  it('answers it also after a crash between the append and the answer', async () => {
    const key = `crash-${++keys}`;
    const at = await path();
    const first = await read(await send(who(), at, body(), key));
    expect([200, 201]).toContain(first.status);
    // As the ledger stands when the process died after appending: the claim, no answer.
    const { log } = t.hub.deps;
    const entry = ledgerKey(`${(await who().me()).id}:${key}`);
    const { seq: _seq, appended: _appended, ...claimOnly } = (await readLedger(log, entry)) ?? {};
    expect(claimOnly).toHaveProperty('made');
    await writeLedger(log, entry, claimOnly);
    const again = await read(await send(who(), at, body(), key));
    expect(again.body).toEqual(first.body);
    expect((await resolves(first.body)).status).toBeLessThan(300);
  });

  it('refuses the same key with another request', async () => {
    const key = `reuse-${++keys}`;
    const at = await path();
    expect((await send(who(), at, body(), key)).status).toBeLessThan(300);
    const other = await read(await send(who(), at, { ...body(), note: 'x' }, key));
    expect(other.status).toBeGreaterThanOrEqual(400);
  });
});

describe('a message with a client-chosen id and no Idempotency-Key', () => {
  it('answers the first answer again when sent twice', async () => {
    const message = { channel: 'family', content: 'mine', id: 'client-chosen-1' };
    const first = await read(await send(bob, '/messages', message));
    const again = await read(await send(bob, '/messages', message));
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 200, body: first.body });
  });
});

describe('a command without a key', () => {
  it('claims nothing in the ledger', async () => {
    const res = await send(bob, '/messages', { channel: 'family', content: 'no key' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const { ledger } = t.hub.deps.log;
    const made: unknown[] = [];
    for await (const key of await ledger.keys()) made.push((await ledger.get(key))?.json<Json>().made);
    expect(made).not.toContainEqual({ id });
  });
});
