// XP grants for the per-rule events (messages, shared files, matches, challenges, chores),
// each naming its rule and version, with the rule's daily cap. Streak grants: streaks.ts.
import type { RuleSet, XpEvent, XpRule } from '../../contracts/play.schema.ts';
import { type Grant, type GrantSource, type PlayFacts, won } from './types.ts';

export function xpGrants(facts: PlayFacts, rules: RuleSet, day: (at: Date) => string): Grant[] {
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

  for (const rule of rules.xp) {
    const version = rule.version ?? 1;
    switch (rule.on as XpEvent) {
      case 'message_posted':
        // Message by message, so a level or an achievement is reached when the message that
        // made it was sent; the cap counts the day's first ones.
        for (const d of facts.messageDays) {
          let left = rule.daily_cap ?? Number.POSITIVE_INFINITY;
          for (const m of d.counted) {
            const xp = Math.min(rule.xp ?? 0, left);
            if (xp <= 0) break;
            left -= xp;
            grants.push({
              memberId: d.memberId,
              ruleId: rule.id,
              ruleVersion: version,
              xp,
              at: m.at,
              day: d.day,
              source: { kind: 'message', day: d.day, seq: m.seq },
            });
          }
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
  return grants;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Grants in time order; ties by member, rule, then log position or day: one order, always. */
export function byGrantOrder(a: Grant, b: Grant): number {
  const time = a.at.getTime() - b.at.getTime();
  if (time !== 0) return time;
  const member = compare(a.memberId, b.memberId) || compare(a.ruleId, b.ruleId);
  if (member !== 0) return member;
  // One rule grants for one kind of source.
  if (a.source.kind === 'streak' || b.source.kind === 'streak')
    return compare(
      a.source.kind === 'streak' ? a.source.day : '',
      b.source.kind === 'streak' ? b.source.day : '',
    );
  return a.source.seq - b.source.seq;
}
