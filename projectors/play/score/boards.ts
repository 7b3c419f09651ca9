// Ranks and boards (all-time and weekly XP, Elo per game), and weekly challenge progress.
import { addDays } from '../../../contracts/days.ts';
import type { Rating } from './elo.ts';
import type { BoardRow, ChallengeProgress, GameRating, PlayFacts } from './types.ts';

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

export function challengeProgress(facts: PlayFacts, day: (at: Date) => string): ChallengeProgress[] {
  const out: ChallengeProgress[] = [];
  const rewarded = new Set(facts.rewards.map((r) => `${r.challengeId} ${r.memberId}`));
  const everyone = facts.members.map((m) => m.id);
  for (const c of facts.challenges) {
    if (c.cancelled) continue;
    const from = c.week;
    const to = addDays(c.week, 6);
    const inWeek = (d: string) => d >= from && d <= to;
    const participants = c.memberIds.length > 0 ? c.memberIds : everyone;
    for (const memberId of participants) {
      out.push({
        challengeId: c.challengeId,
        memberId,
        progress: metricInWeek(facts, c.metric, memberId, inWeek, day),
        target: c.target,
        rewardXp: c.rewardXp,
        completed: rewarded.has(`${c.challengeId} ${memberId}`),
      });
    }
  }
  return out;
}

function metricInWeek(
  facts: PlayFacts,
  metric: string,
  memberId: string,
  inWeek: (day: string) => boolean,
  day: (at: Date) => string,
): number {
  switch (metric) {
    case 'messages_sent':
      return facts.messageDays
        .filter((d) => d.memberId === memberId && inWeek(d.day))
        .reduce((n, d) => n + d.unique, 0);
    case 'photos_shared':
    case 'files_shared': {
      const kind = metric === 'photos_shared' ? 'photo' : 'file';
      return facts.media.filter((m) => m.memberId === memberId && m.kind === kind && inWeek(day(m.at)))
        .length;
    }
    case 'matches_played':
    case 'matches_won':
      return facts.matches.filter((m) => {
        const me = m.placements.find((p) => p.userId === memberId);
        if (!me || !inWeek(day(m.settledAt))) return false;
        return metric === 'matches_played' || (me.place === 1 && m.placements.some((p) => p.place > 1));
      }).length;
    case 'chores_approved':
      return facts.chores.filter((c) => c.memberId === memberId && inWeek(day(c.approvedAt))).length;
    default:
      return 0;
  }
}
