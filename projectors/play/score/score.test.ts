// The scoring rules as pure functions: the level curve, FIDE Elo, caps, streaks, achievements,
// and what recomputes when a fact disappears (a voided match, a chore taken back).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../../contracts/play.schema.ts';
import { isMonday, localDay, mondayOf } from './days.ts';
import { expectedScore, matchDeltas, rateMatches } from './elo.ts';
import { computeScores, type MatchFact, type PlayFacts, rank } from './engine.ts';
import { levelFor, levelView, xpForLevel } from './level.ts';

const NOW = new Date('2026-11-20T18:00:00Z'); // a Friday
const at = (iso: string) => new Date(iso);
const elo = { initial: 1200, kProvisional: 40, kEstablished: 20, provisionalGames: 30 };

function facts(over: Partial<PlayFacts> = {}): PlayFacts {
  return {
    timeZone: 'UTC',
    hiddenMemberIds: [],
    members: [
      { id: 'ann', name: 'Ann' },
      { id: 'bob', name: 'Bob' },
      { id: 'cy', name: 'Cy' },
    ],
    messageDays: [],
    messageMilestones: [],
    media: [],
    matches: [],
    chores: [],
    rewards: [],
    challenges: [],
    ...over,
  };
}

const match = (
  id: string,
  seq: number,
  placements: [string, number][],
  when = '2026-11-19T10:00:00Z',
): MatchFact => ({
  matchId: id,
  game: 'chess',
  gameName: 'Chess',
  settledAt: at(when),
  settledSeq: seq,
  placements: placements.map(([userId, place]) => ({ userId, place })),
});

describe('the level curve', () => {
  it('needs 0.25·L² + 10·L + 140 XP from level L to L+1, exactly', () => {
    expect(xpForLevel(1)).toBe(0);
    expect(xpForLevel(2)).toBe(151); // 150.25, reached at the first whole XP past it
    expect(xpForLevel(3)).toBe(312); // 150.25 + 161
    expect(xpForLevel(4)).toBe(484); // + 172.25 → 483.5
    expect(levelFor(150)).toBe(1);
    expect(levelFor(151)).toBe(2);
    expect(levelFor(311)).toBe(2);
    expect(levelFor(312)).toBe(3);
    expect(levelView(200)).toEqual({ level: 2, levelStartXp: 151, nextLevelXp: 312 });
  });

  it('grows by the formula at high levels too', () => {
    // From level 20 to 21: 0.25·400 + 200 + 140 = 440.
    const quarters = (l: number) => l * l + 40 * l + 560;
    let total = 0;
    for (let l = 1; l < 20; l++) total += quarters(l);
    expect(xpForLevel(20)).toBe(Math.ceil(total / 4));
    expect(xpForLevel(21) - xpForLevel(20)).toBeCloseTo(440, -1);
  });
});

describe('Elo, checked against hand-computed FIDE examples', () => {
  it('looks up the expected score in FIDE’s table, counting a difference over 400 as 400', () => {
    expect(expectedScore(120000, 120000)).toBe(50);
    expect(expectedScore(210000, 200000)).toBe(64); // D = 100 → 0.64
    expect(expectedScore(200000, 210000)).toBe(36);
    expect(expectedScore(150000, 100000)).toBe(92); // D = 500 counts as 400 → 0.92
    expect(expectedScore(122000, 118000)).toBe(56); // D = 40 → 0.56
  });

  it('two newcomers at 1200: the winner gains K·(1 − 0.50) = 40 × 0.5 = 20', () => {
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      new Map(),
      elo,
    );
    expect(d.get('ann')).toBe(2000);
    expect(d.get('bob')).toBe(-2000);
  });

  it('1220 beats 1180 (D = 40, PD 0.56): +40 × 0.44 = 17.6 and −17.6', () => {
    const ratings = new Map([
      ['ann', { rating: 122000, games: 1 }],
      ['bob', { rating: 118000, games: 1 }],
    ]);
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      ratings,
      elo,
    );
    expect(d.get('ann')).toBe(1760);
    expect(d.get('bob')).toBe(-1760);
  });

  it('established players (K = 20) drawing at 2100 vs 2000: −2.8 and +2.8', () => {
    const ratings = new Map([
      ['ann', { rating: 210000, games: 40 }],
      ['bob', { rating: 200000, games: 40 }],
    ]);
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 1 },
      ],
      ratings,
      elo,
    );
    expect(d.get('ann')).toBe(-280);
    expect(d.get('bob')).toBe(280);
  });

  it('scores a free-for-all as pairwise results averaged over the opponents', () => {
    const d = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
        { userId: 'cy', place: 3 },
      ],
      new Map(),
      elo,
    );
    // Ann: two wins at PD 0.50 → 40·0.5·2 / 2 = 20; Bob: one win, one loss → 0; Cy: −20.
    expect([d.get('ann'), d.get('bob'), d.get('cy')]).toEqual([2000, 0, -2000]);
  });

  it('uses K = 40 for a player’s first 30 games, then 20, and shows them provisional until then', () => {
    const games = Array.from({ length: 31 }, (_, i) =>
      match(`m${i}`, i + 1, [
        ['ann', 1],
        ['bob', 1],
      ]),
    );
    const { ratings } = rateMatches(games, elo);
    expect(ratings.get('chess')?.get('ann')).toEqual({ rating: 120000, games: 31 });
    const scores = (n: number) =>
      computeScores(facts({ matches: games.slice(0, n) }), DEFAULT_RULES, NOW).members.get('ann')?.ratings[0];
    expect(scores(29)?.provisional).toBe(true);
    expect(scores(30)?.provisional).toBe(false);
    // The 31st game: Ann (30 games) now changes by K = 20, Bob too.
    const thirtyFirst = matchDeltas(
      [
        { userId: 'ann', place: 1 },
        { userId: 'bob', place: 2 },
      ],
      new Map([
        ['ann', { rating: 120000, games: 30 }],
        ['bob', { rating: 120000, games: 29 }],
      ]),
      elo,
    );
    expect(thirtyFirst.get('ann')).toBe(1000);
    expect(thirtyFirst.get('bob')).toBe(-2000);
  });

  it('recomputes every later rating when a match is voided', () => {
    const all = [
      match('a', 1, [
        ['ann', 1],
        ['bob', 2],
      ]),
      match('b', 2, [
        ['bob', 1],
        ['ann', 2],
      ]),
      match('c', 3, [
        ['ann', 1],
        ['bob', 2],
      ]),
    ];
    const withoutFirst = rateMatches(all.slice(1), elo);
    const voided = computeScores(facts({ matches: all.slice(1) }), DEFAULT_RULES, NOW);
    expect(voided.members.get('ann')?.ratings[0]?.rating).toBe(
      Math.round((withoutFirst.ratings.get('chess')?.get('ann')?.rating ?? 0) / 100),
    );
    // Bob won the (now) first game at 1200 each: +20; the last game then starts from 1220/1180.
    expect(withoutFirst.deltas.get('b')?.get('bob')).toBe(2000);
    expect(withoutFirst.deltas.get('c')?.get('ann')).toBe(40 * (100 - 44));
  });
});

describe('XP', () => {
  const day = (memberId: string, d: string, unique: number, messages = unique) => ({
    memberId,
    day: d,
    unique,
    messages,
    firstAt: at(`${d}T08:00:00Z`),
  });

  it('gives 1 XP per message up to 50 a day, and nothing for repeats', () => {
    const s = computeScores(
      facts({ messageDays: [day('ann', '2026-11-18', 80, 90), day('ann', '2026-11-19', 10, 30)] }),
      DEFAULT_RULES,
      NOW,
    );
    const ann = s.members.get('ann');
    const messageXp = ann?.grants.filter((g) => g.ruleId === 'message').map((g) => g.xp);
    expect(messageXp).toEqual([50, 10]);
    // Two active days in a row: the streak bonus on the second.
    expect(ann?.grants.find((g) => g.ruleId === 'streak')).toMatchObject({ xp: 5, day: '2026-11-19' });
    expect(ann?.xp).toBe(65);
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
          {
            memberId: 'ann',
            day: '2026-11-01',
            unique: 60,
            messages: 60,
            firstAt: at('2026-11-01T07:00:00Z'),
          },
          {
            memberId: 'ann',
            day: '2026-11-02',
            unique: 60,
            messages: 60,
            firstAt: at('2026-11-02T07:00:00Z'),
          },
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
    const days = Array.from({ length: 7 }, (_, i) => ({
      memberId: 'cy',
      day: `2026-11-0${i + 1}`,
      unique: 1,
      messages: 1,
      firstAt: at(`2026-11-0${i + 1}T1${i}:00:00Z`),
    }));
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
        { memberId: 'bob', day: '2026-11-16', unique: 3, messages: 3, firstAt: at('2026-11-16T09:00:00Z') },
        { memberId: 'ann', day: '2026-11-16', unique: 40, messages: 40, firstAt: at('2026-11-16T09:00:00Z') },
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

describe('boards', () => {
  it('share a rank between ties', () => {
    expect(
      rank([
        { memberId: 'a', name: 'A', value: 10 },
        { memberId: 'b', name: 'B', value: 30 },
        { memberId: 'c', name: 'C', value: 10 },
        { memberId: 'd', name: 'D', value: 5 },
      ]).map((r) => [r.memberId, r.rank]),
    ).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
      ['d', 4],
    ]);
  });

  it('leave out members an admin hid', () => {
    const s = computeScores(
      facts({
        hiddenMemberIds: ['cy'],
        matches: [
          match('m', 1, [
            ['cy', 1],
            ['ann', 2],
          ]),
        ],
      }),
      DEFAULT_RULES,
      NOW,
    );
    expect(s.boards.xpAllTime.map((r) => r.memberId)).not.toContain('cy');
    expect(s.boards.elo.chess?.map((r) => r.memberId)).toEqual(['ann']);
    expect(s.members.get('cy')?.xp).toBeGreaterThan(0);
  });
});

describe('weekly challenges', () => {
  it('count the metric inside the challenge week only, for the members it names', () => {
    const s = computeScores(
      facts({
        challenges: [
          {
            challengeId: 'ch',
            title: 'Win 2',
            week: '2026-11-16',
            metric: 'matches_won',
            target: 2,
            rewardXp: 50,
            memberIds: ['ann', 'bob'],
            cancelled: false,
          },
        ],
        matches: [
          match(
            'm0',
            1,
            [
              ['ann', 1],
              ['bob', 2],
            ],
            '2026-11-15T12:00:00Z',
          ),
          match(
            'm1',
            2,
            [
              ['ann', 1],
              ['bob', 2],
            ],
            '2026-11-16T12:00:00Z',
          ),
          match(
            'm2',
            3,
            [
              ['ann', 1],
              ['bob', 2],
            ],
            '2026-11-18T12:00:00Z',
          ),
        ],
        rewards: [{ challengeId: 'ch', title: 'Win 2', memberId: 'ann', rewardXp: 50, at: NOW, seq: 4 }],
      }),
      DEFAULT_RULES,
      NOW,
    );
    expect(s.challenges).toEqual([
      { challengeId: 'ch', memberId: 'ann', progress: 2, target: 2, completed: true },
      { challengeId: 'ch', memberId: 'bob', progress: 0, target: 2, completed: false },
    ]);
  });
});
