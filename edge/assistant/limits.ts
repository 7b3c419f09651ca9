// What the admins allow a member before their prompt is written: the models of their role
// (403 otherwise) and their quota (429, saying when it resets). A child gets only the models an
// admin chose for children: with no `child` entry (a fresh hub has no settings) a child gets no
// model at all, and is told an admin must choose; other roles left out may ask for any.
// Usage is read from the read model, which lags the log by a little: so this edge also counts
// the requests it let through in the last minute that the read model had not applied when its
// usage was read (by their PromptSubmitted's sequence; one not yet written counts as not
// applied), and a burst faster than the read model catches up cannot pass the minute's count
// here (only across several edges at once).

import type { Kysely } from 'kysely';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { type StoredSettings, usageWindows } from '../../projectors/assistant-conversations/queries.ts';
import type { ProjectorRunner } from '../../projectors/runtime/runner-types.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type Quota = StoredSettings['quotas'][number];
export type Usage = {
  requests: number;
  oldest: Date | undefined;
  tokens: number;
  /** The read model's position before it was read: every prompt at or below it is counted. */
  applied: number;
};

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
export async function readUsage(
  { db, projectors }: { db: Kysely<unknown>; projectors: Pick<ProjectorRunner, 'applied'> },
  { memberId, now }: { memberId: string; now: Date },
): Promise<Usage> {
  // Asked first: the read below holds at least what was applied then.
  const applied = await projectors.applied(ASSISTANT_CONVERSATIONS);
  const usage = await usageWindows(db, {
    memberId,
    minute: new Date(now.getTime() - MINUTE_MS),
    day: startOfDay(now),
  });
  return { ...usage, applied };
}

/** A prompt let through: told its PromptSubmitted's sequence once written (or that it was not). */
export type Admission = {
  follow: <T extends { seq: number }>(submitting: Promise<T>) => Promise<T>;
};
const untracked: Admission = { follow: (submitting) => submitting };

export type Admissions = ReturnType<typeof createAdmissions>;

/**
 * The quota's check, with this edge's own count of the minute's requests the read model had not
 * applied. admit() decides and counts in one synchronous step, so two prompts at once cannot
 * both take the last request.
 */
export function createAdmissions() {
  /** Member → the requests this edge let through, oldest first (only members with a per-minute quota). */
  const recent = new Map<string, { at: number; seq?: number }[]>();
  const prune = (now: number) => {
    for (const [member, mine] of recent) {
      while (mine.length > 0 && (mine[0] as { at: number }).at <= now - MINUTE_MS) mine.shift();
      if (mine.length === 0) recent.delete(member);
    }
  };
  return {
    admit({
      quota,
      usage,
      now,
    }: {
      quota: Quota | undefined;
      usage: Usage | undefined;
      now: Date;
    }): Admission {
      if (!quota || !usage) return untracked;
      const at = now.getTime();
      prune(at);
      const mine = recent.get(quota.member_id) ?? [];
      if (quota.requests_per_minute > 0) {
        // Those the read model had applied are in usage.requests already.
        const unapplied = mine.filter((a) => a.seq === undefined || a.seq > usage.applied);
        const requests = usage.requests + unapplied.length;
        // A request is free again once the oldest in the minute's window has left it.
        const oldest = Math.min(usage.oldest?.getTime() ?? at, unapplied[0]?.at ?? at);
        if (requests >= quota.requests_per_minute)
          throw overQuota('requests per minute', new Date(oldest + MINUTE_MS), now);
      }
      if (quota.tokens_per_day > 0 && usage.tokens >= quota.tokens_per_day)
        throw overQuota('tokens today', new Date(startOfDay(now).getTime() + DAY_MS), now);
      if (quota.requests_per_minute === 0) return untracked;
      const admission: { at: number; seq?: number } = { at };
      mine.push(admission);
      recent.set(quota.member_id, mine);
      return {
        follow: (submitting) =>
          submitting.then(
            (result) => {
              admission.seq = result.seq;
              return result;
            },
            (err: unknown) => {
              // Not written: the read model never counts it, so neither does this edge.
              const i = mine.indexOf(admission);
              if (i >= 0) mine.splice(i, 1);
              throw err;
            },
          ),
      };
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
