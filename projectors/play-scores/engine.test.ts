// The scoring rules as pure functions: caps, streaks, achievements, the week in the family time
// zone, and what recomputes when a fact disappears (a chore taken back).
import { describe, expect, it } from 'vitest';
import { isMonday, localDay, mondayOf } from '../../contracts/days.ts';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { computeScores } from './engine.ts';
import { at, facts, match, messageDay, NOW } from './fixtures.ts';

describe('XP', () => {
  const day = (memberId: string, d: string, unique: number, messages = unique) =>
    messageDay(memberId, d, unique, { messages });

  it('gives 1 XP per message up to 50 a day, and nothing for repeats', () => {
    const s = computeScores(
      facts({ messageDays: [day('ann', '2026-11-18', 80, 90), day('ann', '2026-11-19', 10, 30)] }),
      DEFAULT_RULES,
      NOW,
    );
    const ann = s.members.get('ann');
    const messageXp = new Map<string, number>();
    for (const g of ann?.grants ?? [])
      if (g.ruleId === 'message') messageXp.set(g.day, (messageXp.get(g.day) ?? 0) + g.xp);
    expect([...messageXp]).toEqual([
      ['2026-11-18', 50],
      ['2026-11-19', 10],
    ]);
    // Two active days in a row: the streak bonus on the second.
    expect(ann?.grants.find((g) => g.ruleId === 'streak')).toMatchObject({ xp: 5, day: '2026-11-19' });
    expect(ann?.xp).toBe(65);
  });

  it('reaches a level with the message that made it, not at the day’s first', () => {
    // 151 XP make level 2. Three days of 50 messages, one a minute from 08:00.
    const first = messageDay('ann', '2026-11-18', 50, { first: '2026-11-18T08:00:00Z' });
    const second = messageDay('ann', '2026-11-19', 50, { first: '2026-11-19T08:00:00Z' });
    const third = messageDay('ann', '2026-11-20', 50, { first: '2026-11-20T08:00:00Z' });
    const s = computeScores(facts({ messageDays: [first, second, third] }), DEFAULT_RULES, NOW);
    const ann = s.members.get('ann');
    // Day 1: 50 (the cap). Day 2: 5 for the streak and 50: 105. Day 3: 5 for the streak, and
    // the 41st message brings 151, at 08:40 (the day's first was at 08:00).
    expect(ann?.xp).toBe(160);
    expect(ann?.levelsReachedAt).toEqual([at('2026-11-20T08:40:00Z')]);
  });

  it('keeps no streak on days of repeated messages only', () => {
    const s = computeScores(
      facts({
        messageDays: [
          day('ann', '2026-11-18', 1),
          day('ann', '2026-11-19', 0, 3),
          day('ann', '2026-11-20', 0, 1),
        ],
      }),
      DEFAULT_RULES,
      NOW,
    );
    const ann = s.members.get('ann');
    expect(ann?.grants.filter((g) => g.ruleId === 'streak')).toEqual([]);
    expect(ann?.streak).toEqual({ current: 0, longest: 1 });
  });

  it('caps per-event rules per day, and every grant names its rule and version', () => {
    const rules: RuleSet = {
      ...DEFAULT_RULES,
      xp: [{ id: 'match-played', version: 3, on: 'match_played', xp: 10, daily_cap: 25 }],
    };
    const games = [1, 2, 3].map((i) =>
      match(`m${i}`, i, [
        ['ann', 1],
        ['bob', 2],
      ]),
    );
    const s = computeScores(facts({ matches: games }), rules, NOW);
    expect(s.members.get('ann')?.grants.map((g) => [g.ruleId, g.ruleVersion, g.xp])).toEqual([
      ['match-played', 3, 10],
      ['match-played', 3, 10],
      ['match-played', 3, 5],
    ]);
  });

  it('counts this week from Monday 00:00 in the family time zone', () => {
    // Monday 2026-11-16 00:30 in Berlin is still Sunday in UTC.
    const tz = 'Europe/Berlin';
    expect(localDay(at('2026-11-15T23:30:00Z'), tz)).toBe('2026-11-16');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16');
    expect(isMonday('2026-11-16')).toBe(true);
    const chore = {
      completionId: 'c',
      choreId: 'dishes',
      title: 'Dishes',
      memberId: 'ann',
      points: 30,
      markedAt: at('2026-11-15T23:00:00Z'),
      approvedAt: at('2026-11-15T23:30:00Z'),
      approvedSeq: 1,
    };
    const berlin = computeScores(facts({ timeZone: tz, chores: [chore] }), DEFAULT_RULES, NOW);
    expect(berlin.members.get('ann')?.weekXp).toBe(30);
    const utc = computeScores(facts({ chores: [chore] }), DEFAULT_RULES, NOW);
    expect(utc.members.get('ann')?.weekXp).toBe(0);
  });
});

describe('achievements', () => {
  it('unlock once, at the time the threshold was crossed', () => {
    const s = computeScores(
      facts({
        messageDays: [
          messageDay('ann', '2026-11-01', 60, { first: '2026-11-01T07:00:00Z' }),
          messageDay('ann', '2026-11-02', 60, { first: '2026-11-02T07:00:00Z' }),
        ],
        messageMilestones: [
          { memberId: 'ann', n: 1, at: at('2026-11-01T07:00:00Z') },
          { memberId: 'ann', n: 100, at: at('2026-11-02T09:13:00Z') },
        ],
      }),
      DEFAULT_RULES,
      NOW,
    );
    const earned = s.members.get('ann')?.achievements.map((a) => [a.id, a.earnedAt.toISOString()]);
    expect(earned).toEqual([
      ['first-message', '2026-11-01T07:00:00.000Z'],
      ['hundred-messages', '2026-11-02T09:13:00.000Z'],
    ]);
  });

  it('awards a newly added achievement retroactively, with the original time', () => {
    const games = [1, 2, 3].map((i) =>
      match(
        `m${i}`,
        i,
        [
          ['bob', 1],
          ['ann', 2],
        ],
        `2026-11-0${i}T12:00:00Z`,
      ),
    );
    const rules: RuleSet = {
      ...DEFAULT_RULES,
      achievements: [
        { id: 'three-wins', version: 1, title: 'Hat trick', metric: 'matches_won', threshold: 3 },
      ],
    };
    const s = computeScores(facts({ matches: games }), rules, NOW);
    expect(s.members.get('bob')?.achievements).toEqual([
      { id: 'three-wins', title: 'Hat trick', version: 1, earnedAt: at('2026-11-03T12:00:00Z') },
    ]);
    expect(s.members.get('ann')?.achievements).toEqual([]);
  });

  it('earns a 7-day streak on the first activity of the seventh day', () => {
    const days = Array.from({ length: 7 }, (_, i) =>
      messageDay('cy', `2026-11-0${i + 1}`, 1, { first: `2026-11-0${i + 1}T1${i}:00:00Z` }),
    );
    const s = computeScores(facts({ messageDays: days }), DEFAULT_RULES, NOW);
    const cy = s.members.get('cy');
    expect(cy?.achievements.find((a) => a.id === 'week-streak')?.earnedAt).toEqual(
      at('2026-11-07T16:00:00Z'),
    );
    expect(cy?.streak).toEqual({ current: 0, longest: 7 });
  });
});

describe('a chore taken back', () => {
  it('takes its XP, the streak it made, the achievement and the weekly rank with it', () => {
    const chore = {
      completionId: 'c1',
      choreId: 'lawn',
      title: 'Mow the lawn',
      memberId: 'bob',
      points: 200,
      markedAt: at('2026-11-17T09:00:00Z'),
      approvedAt: at('2026-11-17T12:00:00Z'),
      approvedSeq: 7,
    };
    const base = {
      messageDays: [
        messageDay('bob', '2026-11-16', 3, { first: '2026-11-16T09:00:00Z' }),
        messageDay('ann', '2026-11-16', 40, { first: '2026-11-16T09:00:00Z' }),
      ],
    };
    const approved = computeScores(facts({ ...base, chores: [chore] }), DEFAULT_RULES, NOW);
    const rejected = computeScores(facts(base), DEFAULT_RULES, NOW);
    const bob = (s: typeof approved) => s.members.get('bob');
    expect(bob(approved)?.xp).toBe(3 + 200 + 5);
    expect(bob(approved)?.level).toBe(2);
    expect(bob(approved)?.achievements.map((a) => a.id)).toContain('first-chore');
    expect(approved.boards.xpWeek[0]?.memberId).toBe('bob');

    expect(bob(rejected)?.xp).toBe(3);
    expect(bob(rejected)?.level).toBe(1);
    expect(bob(rejected)?.streak.longest).toBe(1);
    expect(bob(rejected)?.achievements.map((a) => a.id)).not.toContain('first-chore');
    expect(rejected.boards.xpWeek[0]?.memberId).toBe('ann');
  });
});
