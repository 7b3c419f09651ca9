// Every score is a pure function of the facts the play read models keep and a rule set:
// XP grants (each naming its rule and version), levels, achievements with the time they were
// earned, streaks, Elo ratings, weekly progress and the boards. Nothing here depends on the
// order facts arrived in, so a rebuild, an incremental build and a preview under other rules
// all agree exactly.
import type { AchievementRule, Metric, RuleSet, XpEvent, XpRule } from '../../../contracts/play.schema.ts';
import { addDays, daysBetween, localDay, mondayOf } from './days.ts';
import { type Rating, rateMatches } from './elo.ts';
import { levelFor, levelView } from './level.ts';

export type MessageDay = { memberId: string; day: string; messages: number; unique: number; firstAt: Date };
export type MediaFact = { memberId: string; kind: 'photo' | 'file'; at: Date; seq: number };
export type MatchFact = {
  matchId: string;
  game: string;
  gameName: string;
  settledAt: Date;
  settledSeq: number;
  placements: { userId: string; place: number }[];
};
export type ChoreFact = {
  completionId: string;
  choreId: string;
  title: string;
  memberId: string;
  points: number;
  markedAt: Date;
  approvedAt: Date;
  approvedSeq: number;
};
export type RewardFact = {
  challengeId: string;
  title: string;
  memberId: string;
  rewardXp: number;
  at: Date;
  seq: number;
};
export type ChallengeFact = {
  challengeId: string;
  title: string;
  week: string;
  metric: string;
  target: number;
  rewardXp: number;
  memberIds: string[];
  cancelled: boolean;
};

export type PlayFacts = {
  timeZone: string;
  hiddenMemberIds: string[];
  members: { id: string; name: string }[];
  /** Per member and local day (family time zone). */
  messageDays: MessageDay[];
  /** When a member's n-th message that counts was sent, for the thresholds the rules name. */
  messageMilestones: { memberId: string; n: number; at: Date }[];
  media: MediaFact[];
  /** Settled and not voided, in log order. */
  matches: MatchFact[];
  /** Approved and not taken back. */
  chores: ChoreFact[];
  rewards: RewardFact[];
  challenges: ChallengeFact[];
};

export type GrantSource =
  | { kind: 'messages'; day: string; messages: number }
  | { kind: 'event'; stream: 'play' | 'media'; seq: number; label: string }
  | { kind: 'streak'; day: string; run: number };

export type Grant = {
  memberId: string;
  ruleId: string;
  ruleVersion: number;
  xp: number;
  at: Date;
  day: string;
  source: GrantSource;
};

export type Achievement = { id: string; title: string; version: number; earnedAt: Date };
export type GameRating = {
  game: string;
  gameName: string;
  rating: number;
  games: number;
  provisional: boolean;
};
export type BoardRow = { memberId: string; name: string; rank: number; value: number };

export type MemberScore = {
  memberId: string;
  name: string;
  xp: number;
  weekXp: number;
  level: number;
  levelStartXp: number;
  nextLevelXp: number;
  /** When each level from 2 up was reached. */
  levelsReachedAt: Date[];
  achievements: Achievement[];
  metrics: Record<Metric, number>;
  streak: { current: number; longest: number };
  ratings: GameRating[];
  grants: Grant[];
};

export type ChallengeProgress = {
  challengeId: string;
  memberId: string;
  progress: number;
  target: number;
  completed: boolean;
};

export type Scores = {
  week: string;
  members: Map<string, MemberScore>;
  boards: { xpAllTime: BoardRow[]; xpWeek: BoardRow[]; elo: Record<string, BoardRow[]> };
  /** Rating change (hundredths) per match and player. */
  matchDeltas: Map<string, Map<string, number>>;
  challenges: ChallengeProgress[];
};

type Activity = { memberId: string; day: string; at: Date };

const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();

export function computeScores(facts: PlayFacts, rules: RuleSet, now: Date): Scores {
  const tz = facts.timeZone;
  const day = (at: Date) => localDay(at, tz);
  const week = mondayOf(day(now));
  const grants: Grant[] = [];

  // Per-event XP with an optional daily cap: within a member's day, in time then log order.
  const perEvent = (
    rule: XpRule,
    items: { memberId: string; at: Date; order: number; amount: number; source: GrantSource }[],
  ) => {
    const version = rule.version ?? 1;
    const used = new Map<string, number>();
    const sorted = [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
    for (const item of sorted) {
      const d = day(item.at);
      const key = `${item.memberId} ${d}`;
      const sofar = used.get(key) ?? 0;
      const xp = Math.min(item.amount, (rule.daily_cap ?? Number.POSITIVE_INFINITY) - sofar);
      if (xp <= 0) continue;
      used.set(key, sofar + xp);
      grants.push({
        memberId: item.memberId,
        ruleId: rule.id,
        ruleVersion: version,
        xp,
        at: item.at,
        day: d,
        source: item.source,
      });
    }
  };
  const amount = (rule: XpRule, own: number) => rule.xp ?? own;
  const won = (m: MatchFact, userId: string) => {
    const me = m.placements.find((p) => p.userId === userId);
    return !!me && me.place === 1 && m.placements.some((p) => p.place > 1);
  };

  for (const rule of rules.xp) {
    const version = rule.version ?? 1;
    switch (rule.on as XpEvent) {
      case 'message_posted':
        for (const d of facts.messageDays) {
          const xp = Math.min(d.unique * (rule.xp ?? 0), rule.daily_cap ?? Number.POSITIVE_INFINITY);
          if (xp > 0)
            grants.push({
              memberId: d.memberId,
              ruleId: rule.id,
              ruleVersion: version,
              xp,
              at: d.firstAt,
              day: d.day,
              source: { kind: 'messages', day: d.day, messages: d.unique },
            });
        }
        break;
      case 'photo_shared':
      case 'file_shared': {
        const kind = rule.on === 'photo_shared' ? 'photo' : 'file';
        perEvent(
          rule,
          facts.media
            .filter((m) => m.kind === kind)
            .map((m) => ({
              memberId: m.memberId,
              at: m.at,
              order: m.seq,
              amount: amount(rule, 0),
              source: { kind: 'event', stream: 'media', seq: m.seq, label: `${kind} shared` },
            })),
        );
        break;
      }
      case 'match_played':
      case 'match_won':
        perEvent(
          rule,
          facts.matches.flatMap((m) =>
            m.placements
              .filter((p) => rule.on === 'match_played' || won(m, p.userId))
              .map((p) => ({
                memberId: p.userId,
                at: m.settledAt,
                order: m.settledSeq,
                amount: amount(rule, 0),
                source: {
                  kind: 'event' as const,
                  stream: 'play' as const,
                  seq: m.settledSeq,
                  label: `${m.gameName}: ${rule.on === 'match_won' ? 'won' : 'played'}`,
                },
              })),
          ),
        );
        break;
      case 'challenge_completed':
        perEvent(
          rule,
          facts.rewards.map((r) => ({
            memberId: r.memberId,
            at: r.at,
            order: r.seq,
            amount: amount(rule, r.rewardXp),
            source: { kind: 'event', stream: 'play', seq: r.seq, label: `challenge: ${r.title}` },
          })),
        );
        break;
      case 'chore_approved':
        perEvent(
          rule,
          facts.chores.map((c) => ({
            memberId: c.memberId,
            at: c.approvedAt,
            order: c.approvedSeq,
            amount: amount(rule, c.points),
            source: { kind: 'event', stream: 'play', seq: c.approvedSeq, label: `chore: ${c.title}` },
          })),
        );
        break;
      case 'streak_day':
        break; // below, once the active days are known
    }
  }

  // Active days: any message, shared file, settled match or approved chore (the day it was done).
  const activity: Activity[] = [
    ...facts.messageDays
      .filter((d) => d.messages > 0)
      .map((d) => ({ memberId: d.memberId, day: d.day, at: d.firstAt })),
    ...facts.media.map((m) => ({ memberId: m.memberId, day: day(m.at), at: m.at })),
    ...facts.matches.flatMap((m) =>
      m.placements.map((p) => ({ memberId: p.userId, day: day(m.settledAt), at: m.settledAt })),
    ),
    ...facts.chores.map((c) => ({ memberId: c.memberId, day: day(c.markedAt), at: c.markedAt })),
  ];
  const firstActivity = new Map<string, Map<string, Date>>(); // member → day → first time
  for (const a of activity) {
    let days = firstActivity.get(a.memberId);
    if (!days) {
      days = new Map();
      firstActivity.set(a.memberId, days);
    }
    const was = days.get(a.day);
    if (!was || a.at < was) days.set(a.day, a.at);
  }
  // Run length of consecutive active days ending on each active day.
  const runs = new Map<string, { day: string; run: number; at: Date }[]>();
  for (const [memberId, days] of firstActivity) {
    const sorted = [...days.keys()].sort();
    const list: { day: string; run: number; at: Date }[] = [];
    for (const d of sorted) {
      const prev = list[list.length - 1];
      const run = prev && daysBetween(prev.day, d) === 1 ? prev.run + 1 : 1;
      list.push({ day: d, run, at: days.get(d) as Date });
    }
    runs.set(memberId, list);
  }
  for (const rule of rules.xp.filter((r) => r.on === 'streak_day')) {
    const minDays = rule.min_days ?? 2;
    for (const [memberId, list] of runs) {
      for (const r of list) {
        if (r.run < minDays || !rule.xp) continue;
        grants.push({
          memberId,
          ruleId: rule.id,
          ruleVersion: rule.version ?? 1,
          xp: rule.xp,
          at: r.at,
          day: r.day,
          source: { kind: 'streak', day: r.day, run: r.run },
        });
      }
    }
  }

  grants.sort((a, b) => byTime(a, b) || grantKey(a).localeCompare(grantKey(b)));

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
    for (const g of own) {
      const before = levelFor(xp);
      xp += g.xp;
      for (let l = before + 1; l <= levelFor(xp); l++) levelsReachedAt.push(g.at);
      if (g.day >= week && g.day <= addDays(week, 6)) weekXp += g.xp;
    }
    const memberRuns = runs.get(memberId) ?? [];
    const last = memberRuns[memberRuns.length - 1];
    const current = last && daysBetween(last.day, today) <= 1 ? last.run : 0;
    const longest = memberRuns.reduce((max, r) => Math.max(max, r.run), 0);

    // Time-ordered occurrences per metric, to find when each threshold was crossed.
    const messageDays = facts.messageDays
      .filter((d) => d.memberId === memberId)
      .sort((a, b) => a.day.localeCompare(b.day));
    const occurrences: Record<Exclude<Metric, 'messages_sent' | 'streak_days' | 'level'>, Date[]> = {
      photos_shared: facts.media
        .filter((m) => m.memberId === memberId && m.kind === 'photo')
        .sort(byTime)
        .map((m) => m.at),
      files_shared: facts.media
        .filter((m) => m.memberId === memberId && m.kind === 'file')
        .sort(byTime)
        .map((m) => m.at),
      matches_played: facts.matches
        .filter((m) => m.placements.some((p) => p.userId === memberId))
        .map((m) => m.settledAt),
      matches_won: facts.matches.filter((m) => won(m, memberId)).map((m) => m.settledAt),
      challenges_completed: facts.rewards
        .filter((r) => r.memberId === memberId)
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.at),
      chores_approved: facts.chores
        .filter((c) => c.memberId === memberId)
        .sort((a, b) => a.approvedSeq - b.approvedSeq)
        .map((c) => c.approvedAt),
    };
    const metrics: Record<Metric, number> = {
      messages_sent: messageDays.reduce((n, d) => n + d.unique, 0),
      photos_shared: occurrences.photos_shared.length,
      files_shared: occurrences.files_shared.length,
      matches_played: occurrences.matches_played.length,
      matches_won: occurrences.matches_won.length,
      challenges_completed: occurrences.challenges_completed.length,
      chores_approved: occurrences.chores_approved.length,
      streak_days: longest,
      level: levelFor(xp),
    };
    const earnedAt = (rule: AchievementRule): Date | undefined => {
      const n = rule.threshold;
      switch (rule.metric) {
        case 'messages_sent': {
          if (metrics.messages_sent < n) return undefined;
          const exact = milestones.get(`${memberId} ${n}`);
          if (exact) return exact;
          let seen = 0;
          for (const d of messageDays) {
            seen += d.unique;
            if (seen >= n) return d.firstAt;
          }
          return undefined;
        }
        case 'streak_days':
          return memberRuns.find((r) => r.run >= n)?.at;
        case 'level':
          return n <= 1 ? (own[0]?.at ?? undefined) : levelsReachedAt[n - 2];
        default:
          return occurrences[rule.metric][n - 1];
      }
    };
    const achievements: Achievement[] = [];
    for (const rule of rules.achievements) {
      const at = earnedAt(rule);
      if (at) achievements.push({ id: rule.id, title: rule.title, version: rule.version ?? 1, earnedAt: at });
    }
    achievements.sort((a, b) => a.earnedAt.getTime() - b.earnedAt.getTime() || a.id.localeCompare(b.id));

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

  return {
    week,
    members,
    boards: {
      xpAllTime: rank(visible.map((m) => ({ memberId: m.memberId, name: m.name, value: m.xp }))),
      xpWeek: rank(visible.map((m) => ({ memberId: m.memberId, name: m.name, value: m.weekXp }))),
      elo,
    },
    matchDeltas: deltas,
    challenges: challengeProgress(facts, day),
  };
}

function gameRating(game: string, gameName: string, r: Rating, provisionalGames: number): GameRating {
  return {
    game,
    gameName,
    rating: Math.round(r.rating / 100),
    games: r.games,
    provisional: r.games < provisionalGames,
  };
}

const grantKey = (g: Grant) =>
  `${g.memberId} ${g.ruleId} ${g.source.kind === 'event' ? String(g.source.seq).padStart(15, '0') : g.source.day}`;

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

function challengeProgress(facts: PlayFacts, day: (at: Date) => string): ChallengeProgress[] {
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
