// Active days, the runs of consecutive active days, and the streak XP and streak they earn.

import { daysBetween } from '../../contracts/days.ts';
import type { RuleSet } from '../../contracts/play.schema.ts';
import type { Grant, PlayFacts } from './types.ts';

type Activity = { memberId: string; day: string; at: Date };
export type Run = { day: string; run: number; at: Date };

/** Per member, each active day with the run ending on it and its first activity, oldest first. */
export function activeRuns(facts: PlayFacts, day: (at: Date) => string): Map<string, Run[]> {
  // Active days: any message that counts, shared file, settled match or approved chore (the
  // day it was done).
  const activity: Activity[] = [
    ...facts.messageDays
      .filter((d) => d.unique > 0) // a repeated message is no activity
      .map((d) => ({ memberId: d.memberId, day: d.day, at: d.counted[0]?.at ?? d.firstAt })),
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
  return runs;
}

export function streakGrants(rules: RuleSet, runs: Map<string, Run[]>): Grant[] {
  const grants: Grant[] = [];
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
  return grants;
}

/** The run still going (active today or yesterday) and the longest one. */
export function streakOf(memberRuns: Run[], today: string): { current: number; longest: number } {
  const last = memberRuns[memberRuns.length - 1];
  const current = last && daysBetween(last.day, today) <= 1 ? last.run : 0;
  const longest = memberRuns.reduce((max, r) => Math.max(max, r.run), 0);
  return { current, longest };
}
