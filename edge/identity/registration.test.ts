// Who may sign up, decided from the policy that applies now: an admin's stored choice
// replaces the hub's settings whole.
import { describe, expect, it } from 'vitest';
import { currentPolicy, entryFor, type RegistrationPolicy } from './registration.ts';

const hub: RegistrationPolicy = { allowedEmailDomains: ['family.test'], openSignup: false };
const choosing = (chosen: Awaited<ReturnType<NonNullable<RegistrationPolicy['chosenSignUp']>>>) => ({
  ...hub,
  chosenSignUp: async () => chosen,
});
const entry = async (policy: RegistrationPolicy, email: string) =>
  entryFor({ email, invite: undefined, policy: await currentPolicy(policy) });

describe('the sign-up policy an admin chose', () => {
  it('admits its domains and refuses the hub’s', async () => {
    const policy = choosing({ mode: 'domains', domains: ['grandma.test'] });
    expect(await entry(policy, 'gran@grandma.test')).toEqual({ by: 'policy' });
    expect(await entry(policy, 'cy@family.test')).toEqual({ by: 'refused' });
  });

  it('with invites only, lets nobody in by policy', async () => {
    const policy = choosing({ mode: 'invites', domains: [] });
    expect(await entry(policy, 'cy@family.test')).toEqual({ by: 'firstAccount' });
  });

  it('with open sign-up, admits anyone', async () => {
    expect(await entry(choosing({ mode: 'open', domains: [] }), 'eve@anywhere.test')).toEqual({
      by: 'policy',
    });
  });

  it('is the hub’s settings until an admin chooses', async () => {
    expect(await entry(choosing(null), 'cy@family.test')).toEqual({ by: 'policy' });
    expect(await entry(choosing(null), 'eve@anywhere.test')).toEqual({ by: 'refused' });
  });
});
