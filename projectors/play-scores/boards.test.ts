// The boards (ranks, hidden members) and weekly challenge progress.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../contracts/play.schema.ts';
import { computeScores, type PlayFacts, rank } from './engine.ts';
import { at, facts, match, messageDay, NOW } from './fixtures.ts';

const annBeatsBob = (id: string, seq: number, when: string) =>
  match(
    id,
    seq,
    [
      ['ann', 1],
      ['bob', 2],
    ],
    when,
  );

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
            cancelledSeq: null,
          },
        ],
        matches: [
          annBeatsBob('m0', 1, '2026-11-15T12:00:00Z'),
          annBeatsBob('m1', 2, '2026-11-16T12:00:00Z'),
          annBeatsBob('m2', 3, '2026-11-18T12:00:00Z'),
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

describe('a challenge with a start', () => {
  it('counts only what happened from its start, within its week', () => {
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
            memberIds: ['ann'],
            cancelledSeq: null,
            startsAt: at('2026-11-18T12:00:00Z'),
          },
        ],
        matches: [
          annBeatsBob('m1', 1, '2026-11-16T12:00:00Z'),
          annBeatsBob('m2', 2, '2026-11-18T11:59:00Z'),
          annBeatsBob('m3', 3, '2026-11-18T12:00:00Z'),
        ],
      }),
      DEFAULT_RULES,
      NOW,
    );
    expect(s.challenges).toEqual([
      { challengeId: 'ch', memberId: 'ann', progress: 1, target: 2, rewardXp: 50, completed: false },
    ]);
  });

  it('counts the messages since its start that the read model counted for it', () => {
    const s = computeScores(
      facts({
        challenges: [
          {
            challengeId: 'hi',
            title: 'Say hi',
            week: '2026-11-16',
            metric: 'messages_sent',
            target: 5,
            rewardXp: 20,
            memberIds: ['ann'],
            cancelledSeq: null,
            startsAt: at('2026-11-20T11:00:00Z'),
          },
        ],
        // Five on Friday, but only two since the challenge began.
        messageDays: [messageDay('ann', '2026-11-20', 5)],
        challengeMessages: [
          { challengeId: 'hi', memberId: 'ann', count: 2, lastAt: at('2026-11-20T12:00:00Z') },
        ],
      }),
      DEFAULT_RULES,
      NOW,
    );
    expect(s.challenges[0]).toMatchObject({ memberId: 'ann', progress: 2 });
  });
});

describe('a challenge reward', () => {
  // Win 2 in the week of Monday 16 November; Ann won twice, and the live loop rewarded her.
  const challenge = {
    challengeId: 'ch',
    title: 'Win 2',
    week: '2026-11-16',
    metric: 'matches_won',
    target: 2,
    rewardXp: 50,
    memberIds: [],
    cancelledSeq: null as number | null,
  };
  const wins = [annBeatsBob('m1', 1, '2026-11-16T12:00:00Z'), annBeatsBob('m2', 2, '2026-11-18T12:00:00Z')];
  const reward = {
    challengeId: 'ch',
    title: 'Win 2',
    memberId: 'ann',
    rewardXp: 50,
    at: at('2026-11-18T12:00:05Z'),
    seq: 3,
  };
  const ann = (over: Partial<PlayFacts>, now = NOW) =>
    computeScores(
      facts({ challenges: [challenge], matches: wins, rewards: [reward], ...over }),
      DEFAULT_RULES,
      now,
    );
  const rewardXp = (s: ReturnType<typeof ann>) =>
    s.members
      .get('ann')
      ?.grants.filter((g) => g.ruleId === 'challenge')
      .reduce((n, g) => n + g.xp, 0) ?? 0;

  it('counts while the target is met', () => {
    const s = ann({});
    expect(rewardXp(s)).toBe(50);
    expect(s.members.get('ann')?.metrics.challenges_completed).toBe(1);
    expect(s.challenges.find((c) => c.memberId === 'ann')).toMatchObject({ progress: 2, completed: true });
  });

  it('goes with a match voided under it, and comes back when the target is met again', () => {
    const voided = ann({ matches: wins.slice(0, 1) });
    expect(rewardXp(voided)).toBe(0);
    expect(voided.members.get('ann')?.metrics.challenges_completed).toBe(0);
    expect(voided.members.get('ann')?.achievements.map((a) => a.id)).not.toContain('first-challenge');
    expect(voided.challenges.find((c) => c.memberId === 'ann')).toMatchObject({
      progress: 1,
      completed: false,
    });
    const again = ann({
      matches: [
        ...wins.slice(0, 1),
        match(
          'm3',
          4,
          [
            ['ann', 1],
            ['cy', 2],
          ],
          '2026-11-19T09:00:00Z',
        ),
      ],
    });
    expect(rewardXp(again)).toBe(50);
  });

  it('stands when its challenge was cancelled after it, not when before', () => {
    expect(rewardXp(ann({ challenges: [{ ...challenge, cancelledSeq: 9 }] }))).toBe(50);
    expect(rewardXp(ann({ challenges: [{ ...challenge, cancelledSeq: 2 }] }))).toBe(0);
  });

  it('appended after its week ended still counts in that week', () => {
    const late = { ...reward, at: at('2026-11-23T08:00:00Z') };
    const s = ann({ rewards: [late] }, at('2026-11-23T09:00:00Z'));
    const grant = s.members.get('ann')?.grants.find((g) => g.ruleId === 'challenge');
    expect(grant).toMatchObject({ day: '2026-11-18', xp: 50 });
    expect(s.members.get('ann')?.weekXp).toBe(0); // the new week has none of it
  });
});
