import { describe, expect, it } from 'vitest';
import type { StoredSettings } from '../../projectors/assistant-conversations/queries.ts';
import { checkModel, createAdmissions, quotaOf } from './limits.ts';

const settings = (quotas: StoredSettings['quotas']): StoredSettings => ({
  version: 1,
  allowed_models: [{ role: 'child', models: ['llama3.2'] }],
  quotas,
});
const noUsage = { requests: 0, oldest: undefined, tokens: 0, applied: 0 };
const codeOf = (f: () => void) => {
  try {
    f();
    return 'admitted';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('the models a role may ask for', () => {
  it('refuses a child any model until an admin chose theirs, and one not chosen', () => {
    expect(
      codeOf(() => checkModel({ ...settings([]), allowed_models: [] }, { role: 'child', model: 'x' })),
    ).toBe('assistant.model_refused');
    expect(codeOf(() => checkModel(settings([]), { role: 'child', model: 'other' }))).toBe(
      'assistant.model_refused',
    );
    expect(codeOf(() => checkModel(settings([]), { role: 'child', model: 'llama3.2' }))).toBe('admitted');
    expect(codeOf(() => checkModel(settings([]), { role: 'member', model: 'anything' }))).toBe('admitted');
  });
});

describe('a member’s quota', () => {
  it('has none to check when their entry limits nothing', () => {
    const s = settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 0 }]);
    expect(quotaOf(s, 'ann')).toBeUndefined();
    expect(quotaOf(s, 'bob')).toBeUndefined();
  });

  it('refuses a burst past the minute’s count on this edge, though the read model has counted none yet', () => {
    const quota = quotaOf(settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 2 }]), 'ann');
    const admissions = createAdmissions();
    const now = new Date('2026-12-07T10:00:00Z');
    const admit = (ms: number) => () =>
      admissions.admit({ quota, usage: noUsage, now: new Date(now.getTime() + ms) });
    expect(codeOf(admit(0))).toBe('admitted');
    expect(codeOf(admit(10))).toBe('admitted');
    expect(codeOf(admit(20))).toBe('assistant.over_quota');
    // Free again once the oldest of the minute has left its window.
    expect(codeOf(admit(60_000))).toBe('admitted');
    expect(codeOf(admit(60_005))).toBe('assistant.over_quota');
  });

  it('lets one of a burst through when the read model counts one less than the quota', () => {
    const quota = quotaOf(settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 5 }]), 'ann');
    const admissions = createAdmissions();
    const now = new Date('2026-12-07T10:00:00Z');
    const usage = { ...noUsage, requests: 4, applied: 100 };
    // Ten at once: each read the same usage before any was admitted.
    const codes = Array.from({ length: 10 }, () => codeOf(() => admissions.admit({ quota, usage, now })));
    expect(codes.filter((c) => c === 'admitted')).toHaveLength(1);
    expect(codes.filter((c) => c === 'assistant.over_quota')).toHaveLength(9);
  });

  it('counts a request once: in the read model once it applied its prompt, else on this edge', async () => {
    const quota = quotaOf(settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 5 }]), 'ann');
    const admissions = createAdmissions();
    const now = new Date('2026-12-07T10:00:00Z');
    const admit = (requests: number, applied: number) => () =>
      admissions.admit({ quota, usage: { ...noUsage, requests, applied }, now });
    const first = admissions.admit({ quota, usage: { ...noUsage, requests: 3, applied: 100 }, now });
    // Its sequence still unknown, it counts whatever the read model applied.
    expect(codeOf(admit(4, 1_000))).toBe('assistant.over_quota');
    await first.follow(Promise.resolve({ seq: 101 }));
    // Written at 101: a usage read before the read model applied it does not hold it yet...
    expect(codeOf(admit(4, 100))).toBe('assistant.over_quota');
    // ...and one read after does, so it is not counted twice.
    expect(codeOf(admit(4, 101))).toBe('admitted');
  });

  it('forgets a request whose prompt was not written', async () => {
    const quota = quotaOf(settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 1 }]), 'ann');
    const admissions = createAdmissions();
    const now = new Date('2026-12-07T10:00:00Z');
    const admit = () => admissions.admit({ quota, usage: noUsage, now });
    const refused = admit().follow(Promise.reject(new Error('turn taken')));
    expect(codeOf(admit)).toBe('assistant.over_quota');
    await expect(refused).rejects.toThrow('turn taken');
    expect(codeOf(admit)).toBe('admitted');
  });

  it('says the request is free again when the oldest the read model counted leaves the minute', () => {
    const quota = quotaOf(settings([{ member_id: 'ann', tokens_per_day: 0, requests_per_minute: 1 }]), 'ann');
    const now = new Date('2026-12-07T10:00:30Z');
    const oldest = new Date('2026-12-07T10:00:00Z');
    let refused: { details?: { resetsAt: string } } = {};
    try {
      createAdmissions().admit({ quota, usage: { requests: 1, oldest, tokens: 0, applied: 0 }, now });
    } catch (err) {
      refused = err as typeof refused;
    }
    expect(refused.details?.resetsAt).toBe('2026-12-07T10:01:00.000Z');
  });

  it('refuses once the day’s tokens are used, until midnight UTC, and counts nobody else', () => {
    const s = settings([{ member_id: 'ann', tokens_per_day: 100, requests_per_minute: 0 }]);
    const admissions = createAdmissions();
    const now = new Date('2026-12-07T22:00:00Z');
    let refused: { code?: string; details?: { resetsAt: string } } = {};
    try {
      admissions.admit({ quota: quotaOf(s, 'ann'), usage: { ...noUsage, tokens: 100 }, now });
    } catch (err) {
      refused = err as typeof refused;
    }
    expect(refused).toMatchObject({
      code: 'assistant.over_quota',
      details: { resetsAt: '2026-12-08T00:00:00.000Z' },
    });
    expect(
      codeOf(() => admissions.admit({ quota: quotaOf(s, 'ann'), usage: { ...noUsage, tokens: 99 }, now })),
    ).toBe('admitted');
  });
});
