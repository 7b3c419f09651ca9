// Sessions answered from memory on every edge, and ended on every edge by the identity events:
// two edge processes on one namespace and one database. Each person's requests go to the edge
// they signed up on; the admin acts on the other one. Each check first warms the person's
// cached session, then measures how long the other edge takes to refuse it, from the moment
// the admin's decision went into the log (its event's time): the admin's own request also
// waits for read models, which is not the cache's doing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHubs, type Edge, type Person, startChatHubs } from '../../test/sockets.ts';

let t: ChatHubs;
let one: Edge;
let two: Edge;
let ann: Person; // the admin, on edge one

beforeAll(async () => {
  t = await startChatHubs({ count: 2 });
  [one, two] = t.edges as [Edge, Edge];
  ann = await t.member('ann@family.test', one);
});
afterAll(() => t?.stop());

/** Two answers from the person's edge: the second comes from its memory. */
async function warm(p: Person) {
  for (let i = 0; i < 2; i++) expect((await p.request('/api/v1/me')).status).toBe(200);
}

/** When the admin's decision went into the log: its event's time, read back by its seq. */
async function appendedAt(res: Response): Promise<number> {
  const { seq } = (await res.json()) as { seq: number };
  const { log } = one.hub.deps;
  const event = await log.jsm.streams.getMessage(log.names.stream('identity'), { seq });
  if (!event) throw new Error(`no event at seq ${seq}`);
  return event.time.getTime();
}

/** Milliseconds from the decision's event until the person's edge refuses them (failing after 1 s). */
async function refusedWithin(p: Person, decided: Response): Promise<number> {
  const since = await appendedAt(decided);
  await expect
    .poll(async () => (await p.request('/api/v1/me')).status, { timeout: 1000, interval: 20 })
    .toBeOneOf([401, 403]);
  return Date.now() - since;
}

describe('a session cached on one edge', () => {
  it('is refused within 1 s of a ban made on the other edge', async () => {
    const bob = await t.member('bob@family.test', two);
    await warm(bob);
    const res = await ann.request(`/api/v1/admin/users/${bob.id}/ban`, { body: { reason: 'testing' } });
    expect(res.status).toBeLessThan(300);
    expect(await refusedWithin(bob, res)).toBeLessThan(1000);
  });

  it('is refused within 1 s of its revoke on the other edge', async () => {
    const cat = await t.member('cat@family.test', two);
    await warm(cat);
    const sessions = await ann.json<{ id: string }[]>(`/api/v1/admin/users/${cat.id}/sessions`);
    expect(sessions).toHaveLength(1);
    const res = await ann.request(`/api/v1/admin/users/${cat.id}/sessions/${sessions[0]?.id}/revoke`, {
      method: 'POST',
    });
    expect(res.status).toBeLessThan(300);
    expect(await refusedWithin(cat, res)).toBeLessThan(1000);
  });

  it('takes a role change on the next request on the edge that made it, and within 1 s on the other', async () => {
    const dee = await t.member('dee@family.test', one);
    const eve = await t.member('eve@family.test', two);
    await warm(dee);
    await warm(eve);
    for (const p of [dee, eve]) {
      const res = await ann.request(`/api/v1/admin/users/${p.id}/role`, { body: { role: 'child' } });
      expect(res.status).toBe(200);
    }
    expect((await dee.json<{ role: string }>('/api/v1/me')).role).toBe('child');
    await expect
      .poll(async () => (await eve.json<{ role: string }>('/api/v1/me')).role, {
        timeout: 1000,
        interval: 20,
      })
      .toBe('child');
  });

  it('is refused on the other edge once the person’s personal data is erased', async () => {
    const gus = await t.member('gus@family.test', two);
    await warm(gus);
    const res = await ann.request(`/api/v1/admin/members/${gus.id}/erase`, { body: { requestedBy: gus.id } });
    expect(res.status).toBeLessThan(300);
    await expect.poll(async () => (await gus.request('/api/v1/me')).status, { timeout: 5000 }).toBe(401);
  });

  it('answers get-session from memory with the same body, byte for byte', async () => {
    const fay = await t.member('fay@family.test', two);
    const first = await (await fay.request('/api/auth/get-session')).text();
    const second = await (await fay.request('/api/auth/get-session')).text();
    expect(second).toBe(first);
    expect(Object.keys(JSON.parse(second) as object)).toEqual(['user', 'session']);
  });
});
