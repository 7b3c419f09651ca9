// What the admins allow a member before their prompt is written: the models of their role
// (403 otherwise) and their quota (429, saying when it resets). A child gets only the models an
// admin chose for children: with no `child` entry (a fresh hub has no settings) a child gets no
// model at all, and is told an admin must choose; other roles left out may ask for any.
// Usage is read from the read model, which lags the log by a little: so this edge also counts
// the requests it let through in the last minute itself, and a burst faster than the read model
// catches up cannot pass the minute's count here (only across several edges at once).

import type { Kysely } from 'kysely';
import { type StoredSettings, usageWindows } from '../../projectors/assistant-conversations/queries.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type Quota = StoredSettings['quotas'][number];
export type Usage = { requests: number; oldest: Date | undefined; tokens: number };

/** The member's quota, when one limits them at all. */
export const quotaOf = (settings: StoredSettings, memberId: string): Quota | undefined =>
  settings.quotas.find(
    (q) => q.member_id === memberId && (q.requests_per_minute > 0 || q.tokens_per_day > 0),
  );

/** Refuses a model the member's role may not ask for. */
export function checkModel(settings: StoredSettings, { role, model }: { role: string; model: string }): void {
  const allowed = settings.allowed_models.find((r) => r.role === role);
  if (!allowed && role === 'child')
    throw assistantErrors.modelRefused(
      'No model is allowed for children yet: an admin must choose them in the assistant settings.',
      { allowed: [] },
    );
  if (allowed && !allowed.models.includes(model))
    throw assistantErrors.modelRefused(`The model ${model} is not allowed for you.`, {
      allowed: allowed.models,
    });
}

const startOfDay = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** What a quota checks: the minute's requests and the day's tokens, in one read. */
export const readUsage = (db: Kysely<unknown>, { memberId, now }: { memberId: string; now: Date }) =>
  usageWindows(db, { memberId, minute: new Date(now.getTime() - MINUTE_MS), day: startOfDay(now) });

export type Admissions = ReturnType<typeof createAdmissions>;

/**
 * The quota's check, with this edge's own count of the minute's requests. admit() decides and
 * counts in one synchronous step, so two prompts at once cannot both take the last request.
 */
export function createAdmissions() {
  /** Member → when this edge let their requests through, oldest first (only members with a per-minute quota). */
  const recent = new Map<string, number[]>();
  const prune = (now: number) => {
    for (const [member, times] of recent) {
      while (times.length > 0 && (times[0] as number) <= now - MINUTE_MS) times.shift();
      if (times.length === 0) recent.delete(member);
    }
  };
  return {
    admit({ quota, usage, now }: { quota: Quota | undefined; usage: Usage | undefined; now: Date }): void {
      if (!quota || !usage) return;
      const at = now.getTime();
      prune(at);
      const mine = recent.get(quota.member_id) ?? [];
      if (quota.requests_per_minute > 0) {
        const requests = Math.max(usage.requests, mine.length);
        // A request is free again once the oldest in the minute's window has left it.
        const oldest = Math.min(usage.oldest?.getTime() ?? at, mine[0] ?? at);
        if (requests >= quota.requests_per_minute)
          throw overQuota('requests per minute', new Date(oldest + MINUTE_MS), now);
      }
      if (quota.tokens_per_day > 0 && usage.tokens >= quota.tokens_per_day)
        throw overQuota('tokens today', new Date(startOfDay(now).getTime() + DAY_MS), now);
      if (quota.requests_per_minute > 0) {
        mine.push(at);
        // Only the newest few can ever decide: the count is compared with the quota.
        if (mine.length > quota.requests_per_minute) mine.shift();
        recent.set(quota.member_id, mine);
      }
    },
  };
}

const overQuota = (what: string, resetsAt: Date, now: Date) =>
  assistantErrors.overQuota(
    `Your assistant quota of ${what} is used up; it resets at ${resetsAt.toISOString()}.`,
    {
      resetsAt: resetsAt.toISOString(),
      retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)),
    },
  );
