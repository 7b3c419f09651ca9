import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, fieldOf, lastDays, modelsIn, usagePerMember } from './assistant-data.ts';

describe('the usage chart’s days', () => {
  it('are the last n UTC days up to today’s, oldest first, across a month’s end', () => {
    expect(lastDays(new Date('2026-03-01T23:30:00Z'), 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(lastDays(new Date('2026-12-07T00:00:00Z'), 14)).toHaveLength(14);
  });
});

describe('usage per member', () => {
  const days = ['2026-12-05', '2026-12-06', '2026-12-07'];
  const row = (member_id: string, day: string, tokens: number, requests = 1) => ({
    member_id,
    day,
    tokens,
    requests,
    cached: 0,
  });

  it('fills the days a member did not ask with zero, and totals the window', () => {
    const [kit] = usagePerMember([row('kit', '2026-12-05', 40), row('kit', '2026-12-07', 60, 2)], days);
    expect(kit?.days.map((d) => d.tokens)).toEqual([40, 0, 60]);
    expect(kit?.days.map((d) => d.requests)).toEqual([1, 0, 2]);
    expect(kit).toMatchObject({ memberId: 'kit', tokens: 100, requests: 3 });
  });

  it('leaves out days before the window, and members with nothing in it; most tokens first', () => {
    const members = usagePerMember(
      [row('old', '2026-11-01', 900), row('ana', '2026-12-06', 10), row('kit', '2026-12-06', 30)],
      days,
    );
    expect(members.map((m) => m.memberId)).toEqual(['kit', 'ana']);
  });
});

describe('the settings draft', () => {
  const settings = {
    version: 4,
    allowed_models: [{ role: 'child', models: ['llama3.2', 'phi3:mini'] }],
    quotas: [{ member_id: 'kit', tokens_per_day: 5000, requests_per_minute: 0 }],
  };

  it('round-trips the settings in force', () => {
    const draft = draftOf(settings);
    expect(draft.models.child).toEqual({ mode: 'only', models: 'llama3.2, phi3:mini' });
    expect(draft.models.member).toEqual({ mode: 'any', models: '' });
    expect(draft.quotas.get('kit')).toEqual({ tokens: '5000', requests: '' });
    expect(bodyOf(draft, 4)).toEqual({
      body: {
        expected_version: 4,
        allowed_models: settings.allowed_models,
        quotas: [{ member_id: 'kit', tokens_per_day: 5000, requests_per_minute: 0 }],
      },
    });
  });

  it('reads a typed list of models with commas or spaces, each once', () => {
    expect(modelsIn(' llama3.2,  phi3 llama3.2 ,')).toEqual(['llama3.2', 'phi3']);
  });

  it('leaves out a member with no limit on either, and names what is wrong before saving', () => {
    const draft = draftOf(settings);
    const quotas = new Map([
      ['kit', { tokens: '0', requests: ' ' }],
      ['ana', { tokens: '', requests: '3' }],
    ]);
    expect(bodyOf({ ...draft, quotas }, 4)).toMatchObject({
      body: { quotas: [{ member_id: 'ana', tokens_per_day: 0, requests_per_minute: 3 }] },
    });
    const wrong = (change: Partial<typeof draft>) => bodyOf({ ...draft, ...change }, 4);
    expect(wrong({ quotas: new Map([['kit', { tokens: '-1', requests: '' }]]) })).toMatchObject({
      problem: { field: 'tokens-kit' },
    });
    expect(wrong({ quotas: new Map([['kit', { tokens: '', requests: '10001' }]]) })).toMatchObject({
      problem: { field: 'requests-kit' },
    });
    expect(wrong({ models: { ...draft.models, member: { mode: 'only', models: ' ' } } })).toMatchObject({
      problem: { field: 'models-member' },
    });
    expect(wrong({ models: { ...draft.models, admin: { mode: 'only', models: 'llama 3?' } } })).toMatchObject(
      {
        problem: { field: 'models-admin', message: expect.stringContaining('3?') },
      },
    );
  });
});

describe('a field the edge refused', () => {
  const body = {
    expected_version: 2,
    allowed_models: [
      { role: 'member' as const, models: ['llama3.2'] },
      { role: 'child' as const, models: ['phi3', 'llama3.2'] },
    ],
    quotas: [
      { member_id: 'kit', tokens_per_day: 5000, requests_per_minute: 0 },
      { member_id: 'ana', tokens_per_day: 0, requests_per_minute: 3 },
    ],
  };

  it('is the form’s field for the same role or member, found in the body sent', () => {
    expect(fieldOf('quotas.0.tokens_per_day', body)).toBe('tokens-kit');
    expect(fieldOf('quotas.1.requests_per_minute', body)).toBe('requests-ana');
    expect(fieldOf('quotas.1.member_id', body)).toBe('tokens-ana');
    expect(fieldOf('allowed_models.1', body)).toBe('models-child');
    expect(fieldOf('allowed_models.1.models.0', body)).toBe('models-child');
    expect(fieldOf('allowed_models.0.role', body)).toBe('models-member');
  });

  it('is none for a path the form has no field for', () => {
    for (const path of [
      'expected_version',
      'quotas',
      'quotas.9.tokens_per_day',
      'allowed_models.x',
      '',
      '__proto__.0',
    ])
      expect(fieldOf(path, body), path).toBeUndefined();
  });
});

describe('an empty list of models', () => {
  const draft = draftOf({ version: 0, allowed_models: [], quotas: [] });
  const problem = (role: 'admin' | 'member' | 'child') =>
    bodyOf({ ...draft, models: { ...draft.models, [role]: { mode: 'only', models: '' } } }, 0);

  it('points admins and members to “Any model”, children to “No model”', () => {
    expect(problem('admin')).toMatchObject({ problem: { message: expect.stringContaining('“Any model”') } });
    expect(problem('member')).toMatchObject({ problem: { message: expect.stringContaining('for members') } });
    expect(problem('child')).toMatchObject({
      problem: { message: expect.stringMatching(/for children, or choose “No model”/) },
    });
  });
});
