// A member's metrics, and the achievements they earned with the time each threshold was crossed.
import type { AchievementRule, Metric, RuleSet } from '../../contracts/play.schema.ts';
import { levelFor } from './level.ts';
import type { Run } from './streaks.ts';
import { type Achievement, byTime, type Grant, type PlayFacts, won } from './types.ts';

export function memberAchievements(
  facts: PlayFacts,
  rules: RuleSet,
  memberId: string,
  member: {
    /** The member's grants, in time order. */
    own: Grant[];
    xp: number;
    levelsReachedAt: Date[];
    memberRuns: Run[];
    longest: number;
    /** `${memberId} ${n}` → when the n-th message that counts was sent. */
    milestones: Map<string, Date>;
  },
): { metrics: Record<Metric, number>; achievements: Achievement[] } {
  const { own, xp, levelsReachedAt, memberRuns, longest, milestones } = member;
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
  return { metrics, achievements };
}
