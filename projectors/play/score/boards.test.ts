// The boards (ranks, hidden members) and weekly challenge progress.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../contracts/play.schema.ts';
import { computeScores, rank } from './engine.ts';
import { facts, match, NOW } from './fixtures.ts';

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
      { challengeId: 'ch', memberId: 'ann', progress: 2, target: 2, rewardXp: 50, completed: true },
      { challengeId: 'ch', memberId: 'bob', progress: 0, target: 2, rewardXp: 50, completed: false },
    ]);
  });
});
