// What the admins allow a member before their prompt is written: the models of their role
// (403 otherwise) and their quota (429, saying when it resets). A child gets only the models an
// admin chose for children: with no `child` entry (a fresh hub has no settings) a child gets no
// model at all, and is told an admin must choose; other roles left out may ask for any. Usage is read from the read
// model, so a burst faster than it catches up can pass a request or two over the minute's count.

import type { Kysely } from 'kysely';
import { assistantSettings, usageSince } from '../../projectors/assistant-conversations/queries.ts';
import { assistantErrors } from '../../writers/assistant/errors.ts';

export async function checkLimits(
  db: Kysely<unknown>,
  { memberId, role, model, now }: { memberId: string; role: string; model: string; now: Date },
): Promise<void> {
  const settings = await assistantSettings(db);
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
  const quota = settings.quotas.find((q) => q.member_id === memberId);
  if (!quota) return;
  if (quota.requests_per_minute > 0) {
    const { requests, oldest } = await usageSince(db, memberId, new Date(now.getTime() - 60_000));
    // A request is free again once the oldest in the minute's window has left it.
    if (requests >= quota.requests_per_minute)
      throw overQuota('requests per minute', new Date((oldest ?? now).getTime() + 60_000), now);
  }
  if (quota.tokens_per_day > 0) {
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const { tokens } = await usageSince(db, memberId, day);
    if (tokens >= quota.tokens_per_day)
      throw overQuota('tokens today', new Date(day.getTime() + 86_400_000), now);
  }
}

const overQuota = (what: string, resetsAt: Date, now: Date) =>
  assistantErrors.overQuota(
    `Your assistant quota of ${what} is used up; it resets at ${resetsAt.toISOString()}.`,
    {
      resetsAt: resetsAt.toISOString(),
      retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000)),
    },
  );
