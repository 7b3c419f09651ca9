// The family's settings over HTTP: the name every member reads, and the sign-up policy an
// admin chooses, which replaces the hub's settings for every sign-up that follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyName, FamilySaved, FamilySettings } from '../../contracts/identity.api.ts';
import { startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let member: TestClient;

const save = async (body: unknown) => {
  const res = await admin.request('/api/v1/admin/family', { method: 'PUT', body });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as FamilySaved;
};
const settings = async (after = 0) =>
  (await (await admin.request(`/api/v1/admin/family?after=${after}`)).json()) as FamilySettings;

beforeAll(async () => {
  // The hub's own settings: only addresses at family.test may sign up without an invite.
  t = await startTestHub({ identity: { openSignup: false, allowedEmailDomains: ['family.test'] } });
  admin = t.client();
  member = t.client();
  expect((await admin.signUp({ email: 'ana@family.test' })).status).toBe(200);
  expect((await member.signUp({ email: 'bo@family.test' })).status).toBe(200);
});
afterAll(() => t?.stop());

describe('before an admin chooses', () => {
  it('shows the hub’s settings as the sign-up policy, and no name', async () => {
    expect(await settings()).toEqual({
      name: null,
      signUp: { mode: 'domains', domains: ['family.test'] },
      signUpFromHubSettings: true,
      mailConfigured: false,
    });
  });
});

describe('when an admin names the family', () => {
  it('shows the name to every member', async () => {
    const { seq } = await save({ name: 'The Examples' });
    const res = await member.request(`/api/v1/family?after=${seq}`);
    expect((await res.json()) as FamilyName).toEqual({ name: 'The Examples' });
  });

  it('refuses a member who tries to change the settings', async () => {
    const res = await member.request('/api/v1/admin/family', { method: 'PUT', body: { name: 'Mine' } });
    expect(res.status).toBe(403);
  });
});

describe('when an admin chooses the sign-up policy', () => {
  it('refuses allowed domains while the hub sends no email, in family words, and changes nothing', async () => {
    // Without mail nothing proves an address is its owner's: a domain would let anyone in.
    expect((await settings()).mailConfigured).toBe(false);
    const res = await admin.request('/api/v1/admin/family', {
      method: 'PUT',
      body: { name: 'Renamed', signUp: { mode: 'domains', domains: ['grandma.test'] } },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'identity.domains_need_mail' });
    expect(await settings()).toMatchObject({ name: 'The Examples', signUpFromHubSettings: true });
  });

  it('with invites only, refuses everyone without an invite and admits an invite', async () => {
    await save({ signUp: { mode: 'invites' } });
    const refused = await t.client().signUp({ email: 'dee@grandma.test' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'identity.invite_required' });
    const invite = await t.invite(admin);
    expect((await t.client().signUp({ email: 'dee@grandma.test', invite: invite.token })).status).toBe(200);
  });

  it('with open sign-up, admits anyone as a member', async () => {
    await save({ signUp: { mode: 'open' } });
    const stranger = t.client();
    expect((await stranger.signUp({ email: 'eve@anywhere.test' })).status).toBe(200);
    expect((await stranger.me()).role).toBe('member');
  });
});
