import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/hub.ts';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t?.stop();
});

describe('the family directory', () => {
  it('shows every member their family by name, without emails, and without banned accounts', async () => {
    const admin = t.client();
    await admin.signUp({ email: 'mum@family.test', name: 'Mum' });
    const kid = t.client();
    await kid.signUp({ email: 'kid@family.test', name: 'Kid' });
    const gone = t.client();
    await gone.signUp({ email: 'gone@family.test', name: 'Gone' });
    const goneId = (await gone.me()).id;
    const ban = await admin.request(`/api/v1/admin/users/${goneId}/ban`, { body: {} });
    const { seq } = (await ban.json()) as { seq: number };

    const res = await kid.request(`/api/v1/people?after=${seq}`);
    expect(res.status).toBe(200);
    const people = (await res.json()) as Record<string, unknown>[];
    expect(people.map((p) => p.name).sort()).toEqual(['Kid', 'Mum']);
    expect(people[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      image: null,
      role: expect.any(String),
      erased: false,
    });
  });
});
