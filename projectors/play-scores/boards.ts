// Ranks and boards (all-time and weekly XP, Elo per game), and weekly challenge progress.
import { addDays } from '../../contracts/days.ts';
import type { Rating } from './elo.ts';
import {
  type BoardRow,
  type ChallengeFact,
  type ChallengeProgress,
  type GameRating,
  type PlayFacts,
  type RewardFact,
  won,
} from './types.ts';

export function gameRating(game: string, gameName: string, r: Rating, provisionalGames: number): GameRating {
  return {
    game,
    gameName,
    rating: Math.round(r.rating / 100),
    games: r.games,
    provisional: r.games < provisionalGames,
  };
}

/** Highest first; ties share a rank (1, 1, 3), listed by name. */
export function rank(rows: { memberId: string; name: string; value: number }[]): BoardRow[] {
  const sorted = [...rows].sort(
    (a, b) => b.value - a.value || a.name.localeCompare(b.name) || a.memberId.localeCompare(b.memberId),
  );
  return sorted.map((row, i) => {
    let first = i;
    while (first > 0 && (sorted[first - 1] as { value: number }).value === row.value) first--;
    return { ...row, rank: first + 1 };
  });
}

export function eloBoards(
  ratings: Map<string, Map<string, Rating>>,
  hidden: Set<string>,
  names: Map<string, string>,
): Record<string, BoardRow[]> {
  const elo: Record<string, BoardRow[]> = {};
  for (const [game, table] of ratings) {
    elo[game] = rank(
      [...table]
        .filter(([id]) => !hidden.has(id) && names.has(id))
        .map(([id, r]) => ({
          memberId: id,
          name: names.get(id) as string,
          value: Math.round(r.rating / 100),
        })),
    );
  }
  return elo;
}

export function challengeProgress(
  facts: PlayFacts,
  standing: RewardFact[],
  day: (at: Date) => string,
): ChallengeProgress[] {
  const out: ChallengeProgress[] = [];
  const rewarded = new Set(standing.map((r) => `${r.challengeId} ${r.memberId}`));
  const everyone = facts.members.map((m) => m.id);
  for (const c of facts.challenges) {
    if (c.cancelledSeq !== null) continue;
    const participants = c.memberIds.length > 0 ? c.memberIds : everyone;
    for (const memberId of participants) {
      out.push({
        challengeId: c.challengeId,
        memberId,
        progress: metricInWeek(facts, c, memberId, day).count,
        target: c.target,
        rewardXp: c.rewardXp,
        completed: rewarded.has(`${c.challengeId} ${memberId}`),
      });
    }
  }
  return out;
}

/**
 * The rewards that count. A reward is appended once, but it stands only while the member's
 * progress still meets the target and its challenge was not cancelled before it: a chore
 * taken back or a match voided takes the reward with it, and meeting the target again brings
 * the same reward back. One appended after its week ended (the live loop was down) counts in
 * that week all the same, dated at the last fact that made progress.
 */
export function standingRewards(facts: PlayFacts, day: (at: Date) => string): RewardFact[] {
  const challenges = new Map(facts.challenges.map((c) => [c.challengeId, c]));
  const out: RewardFact[] = [];
  for (const r of facts.rewards) {
    const c = challenges.get(r.challengeId);
    if (!c || (c.cancelledSeq !== null && c.cancelledSeq < r.seq)) continue;
    if (c.memberIds.length > 0 && !c.memberIds.includes(r.memberId)) continue;
    const { count, lastAt } = metricInWeek(facts, c, r.memberId, day);
    if (count < c.target) continue;
    out.push(lastAt && day(r.at) > addDays(c.week, 6) ? { ...r, at: lastAt } : r);
  }
  return out;
}

/**
 * A member's progress on a challenge, and when the last fact that made progress happened.
 * Progress counts inside the challenge's week, from its start when it records one.
 */
function metricInWeek(
  facts: PlayFacts,
  challenge: ChallengeFact,
  memberId: string,
  day: (at: Date) => string,
): { count: number; lastAt: Date | undefined } {
  const from = challenge.week;
  const to = addDays(challenge.week, 6);
  const inWeek = (d: string) => d >= from && d <= to;
  // Within the week, and not before the challenge started (when it records a start).
  const startsAt = challenge.startsAt ?? null;
  const counts = (at: Date) => inWeek(day(at)) && (startsAt === null || at >= startsAt);
  const tally = (times: Date[], count = times.length) => ({
    count,
    lastAt: times.reduce<Date | undefined>((last, t) => (!last || t > last ? t : last), undefined),
  });
  switch (challenge.metric) {
    case 'messages_sent': {
      if (startsAt !== null) {
        const own = facts.challengeMessages.find(
          (m) => m.challengeId === challenge.challengeId && m.memberId === memberId,
        );
        return { count: own?.count ?? 0, lastAt: own?.lastAt };
      }
      const days = facts.messageDays.filter((d) => d.memberId === memberId && inWeek(d.day) && d.unique > 0);
      return tally(
        days.map((d) => d.firstAt),
        days.reduce((n, d) => n + d.unique, 0),
      );
    }
    case 'photos_shared':
    case 'files_shared': {
      const kind = challenge.metric === 'photos_shared' ? 'photo' : 'file';
      return tally(
        facts.media
          .filter((m) => m.memberId === memberId && m.kind === kind && counts(m.at))
          .map((m) => m.at),
      );
    }
    case 'matches_played':
    case 'matches_won':
      return tally(
        facts.matches
          .filter((m) => {
            if (!counts(m.settledAt) || !m.placements.some((p) => p.userId === memberId)) return false;
            return challenge.metric === 'matches_played' || won(m, memberId);
          })
          .map((m) => m.settledAt),
      );
    case 'chores_approved':
      return tally(
        facts.chores.filter((c) => c.memberId === memberId && counts(c.approvedAt)).map((c) => c.approvedAt),
      );
    default:
      return { count: 0, lastAt: undefined };
  }
}
