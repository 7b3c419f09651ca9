// Every score is a pure function of the facts the play read models keep and a rule set:
// XP grants (each naming its rule and version), levels, achievements with the time they were
// earned, streaks, Elo ratings, weekly progress and the boards. Nothing here depends on the
// order facts arrived in, so a rebuild, an incremental build and a preview under other rules
// all agree exactly.

import { addDays, localDay, mondayOf } from '../../contracts/days.ts';
import type { RuleSet } from '../../contracts/play.schema.ts';
import { memberAchievements } from './achievements.ts';
import { challengeProgress, eloBoards, gameRating, rank, standingRewards } from './boards.ts';
import { rateMatches } from './elo.ts';
import { levelView, xpForLevel } from './level.ts';
import { activeRuns, streakGrants, streakOf } from './streaks.ts';
import type { GameRating, Grant, MemberScore, PlayFacts, Scores } from './types.ts';
import { byGrantOrder, xpGrants } from './xp.ts';

export { rank } from './boards.ts';
export type {
  Achievement,
  BoardRow,
  ChallengeFact,
  ChallengeMessages,
  ChallengeProgress,
  ChoreFact,
  GameRating,
  Grant,
  GrantSource,
  MatchFact,
  MediaFact,
  MemberScore,
  MessageDay,
  PlayFacts,
  RewardFact,
  Scores,
} from './types.ts';

export function computeScores(logged: PlayFacts, rules: RuleSet, now: Date): Scores {
  const tz = logged.timeZone;
  const day = (at: Date) => localDay(at, tz);
  // From here on a reward is one that stands: XP, achievements and progress all see the same.
  const facts: PlayFacts = { ...logged, rewards: standingRewards(logged, day) };
  const week = mondayOf(day(now));
  const weekEnd = addDays(week, 6);
  // Streak grants come once the active days are known.
  const runs = activeRuns(facts, day);
  const grants: Grant[] = [...xpGrants(facts, rules, day), ...streakGrants(rules, runs)];
  grants.sort(byGrantOrder);

  const { ratings, deltas } = rateMatches(
    facts.matches.map((m) => ({ matchId: m.matchId, game: m.game, placements: m.placements })),
    {
      initial: rules.elo.initial,
      kProvisional: rules.elo.k_provisional,
      kEstablished: rules.elo.k_established,
      provisionalGames: rules.elo.provisional_games,
    },
  );
  const gameNames = new Map<string, string>();
  for (const m of facts.matches) gameNames.set(m.game, m.gameName);

  const milestones = new Map<string, Date>();
  for (const m of facts.messageMilestones) milestones.set(`${m.memberId} ${m.n}`, m.at);

  const today = day(now);
  const members = new Map<string, MemberScore>();
  const ids = new Set<string>([...facts.members.map((m) => m.id), ...grants.map((g) => g.memberId)]);
  const names = new Map(facts.members.map((m) => [m.id, m.name]));
  const grantsOf = groupBy(grants, (g) => g.memberId);

  for (const memberId of ids) {
    const own = grantsOf.get(memberId) ?? [];
    let xp = 0;
    let weekXp = 0;
    const levelsReachedAt: Date[] = [];
    let next = xpForLevel(2);
    for (const g of own) {
      xp += g.xp;
      while (xp >= next) {
        levelsReachedAt.push(g.at);
        next = xpForLevel(levelsReachedAt.length + 2);
      }
      if (g.day >= week && g.day <= weekEnd) weekXp += g.xp;
    }
    const memberRuns = runs.get(memberId) ?? [];
    const { current, longest } = streakOf(memberRuns, today);
    const { metrics, achievements } = memberAchievements(facts, rules, memberId, {
      own,
      xp,
      levelsReachedAt,
      memberRuns,
      longest,
      milestones,
    });

    const memberRatings: GameRating[] = [];
    for (const [game, table] of ratings) {
      const r = table.get(memberId);
      if (r)
        memberRatings.push(gameRating(game, gameNames.get(game) ?? game, r, rules.elo.provisional_games));
    }
    memberRatings.sort((a, b) => a.game.localeCompare(b.game));

    members.set(memberId, {
      memberId,
      name: names.get(memberId) ?? memberId,
      xp,
      weekXp,
      ...levelView(xp),
      levelsReachedAt,
      achievements,
      metrics,
      streak: { current, longest },
      ratings: memberRatings,
      grants: own,
    });
  }

  const hidden = new Set(facts.hiddenMemberIds);
  const visible = [...members.values()].filter((m) => !hidden.has(m.memberId) && names.has(m.memberId));
  const elo = eloBoards(ratings, hidden, names);

  return {
    week,
    members,
    boards: {
      xpAllTime: rank(visible.map((m) => ({ memberId: m.memberId, name: m.name, value: m.xp }))),
      xpWeek: rank(visible.map((m) => ({ memberId: m.memberId, name: m.name, value: m.weekXp }))),
      elo,
    },
    matchDeltas: deltas,
    challenges: challengeProgress(facts, facts.rewards, day),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
