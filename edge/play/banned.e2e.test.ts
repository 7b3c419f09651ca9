// A banned member's play profile and XP are not the family's to read: to everyone but an
// admin they answer exactly as a member who never existed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let bob: TestClient;
let goneId = '';

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'ann@family.test', name: 'Ann' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  const gone = t.client();
  await gone.signUp({ email: 'gone@family.test', name: 'Gone' });
  goneId = (await gone.me()).id;
  // Readable before the ban, so the refusals below are the ban's doing.
  await eventually(async () => {
    const res = await bob.request(`/api/v1/play/members/${goneId}`);
    return res.status === 200 ? true : undefined;
  });
  const ban = await admin.request(`/api/v1/admin/users/${goneId}/ban`, { body: {} });
  expect(ban.status).toBe(200);
  await eventually(async () => {
    const res = await bob.request(`/api/v1/play/members/${goneId}`);
    return res.status === 404 ? true : undefined;
  });
});
afterAll(async () => {
  await t?.stop();
});

const answer = async (who: TestClient, path: string) => {
  const res = await who.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
/** The same answer with the id swapped, so a banned id and a made-up one can be compared. */
const masked = (a: { status: number; body: Record<string, unknown> }, id: string) =>
  JSON.parse(JSON.stringify(a).replaceAll(id, 'ID'));

describe("a banned member's play profile", () => {
  for (const suffix of ['', '/xp']) {
    it(`answers ${suffix || 'the profile'} to a member as an unknown member does: 404`, async () => {
      const banned = await answer(bob, `/api/v1/play/members/${goneId}${suffix}`);
      const unknown = await answer(bob, `/api/v1/play/members/nobody-at-all${suffix}`);
      expect(banned.status).toBe(404);
      expect(banned.body).toMatchObject({ code: 'not_found' });
      expect(masked(banned, goneId)).toEqual(masked(unknown, 'nobody-at-all'));
    });

    it(`still shows ${suffix || 'the profile'} to an admin`, async () => {
      const seen = await answer(admin, `/api/v1/play/members/${goneId}${suffix}`);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ user_id: goneId });
    });
  }

  it('comes back once the ban is lifted', async () => {
    const unban = await admin.request(`/api/v1/admin/users/${goneId}/unban`, { method: 'POST' });
    expect(unban.status).toBe(200);
    await eventually(async () => {
      const res = await bob.request(`/api/v1/play/members/${goneId}`);
      return res.status === 200 ? true : undefined;
    });
  });
});
