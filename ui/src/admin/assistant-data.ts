// Shaping the assistant's admin answers for the console: usage per member over the chart's
// days (days without a request are zero, not missing), and the settings form's draft to and
// from the PUT body, with the same bounds the edge checks so a mistake is named before saving.
import type { UsageDay } from '../../../contracts/assistant.api.ts';
import {
  type AssistantSettingsBody,
  MAX_MODEL,
  MAX_MODELS,
  MODEL_PATTERN,
  ROLES,
} from '../../../contracts/assistant.schema.ts';
import type { AssistantSettings } from './assistant-api.ts';

export const CHART_DAYS = 14;
const DAY_MS = 86_400_000;
/** The schema's bounds for a quota (contracts/assistant.schema.ts). */
export const MAX_TOKENS_PER_DAY = 100_000_000;
export const MAX_REQUESTS_PER_MINUTE = 10_000;

/** The last `count` UTC days up to and including `now`'s, oldest first, as the edge names them (YYYY-MM-DD). */
export function lastDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) =>
    new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

export type DayUsage = { day: string; requests: number; tokens: number; cached: number };
export type MemberUsage = { memberId: string; days: DayUsage[]; requests: number; tokens: number };

/** Each member who asked within `days`, their usage on every one of them; most tokens first. */
export function usagePerMember(usage: UsageDay[], days: string[]): MemberUsage[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const members = new Map<string, MemberUsage>();
  for (const u of usage) {
    const at = index.get(u.day);
    if (at === undefined) continue;
    let member = members.get(u.member_id);
    if (!member) {
      member = {
        memberId: u.member_id,
        days: days.map((day) => ({ day, requests: 0, tokens: 0, cached: 0 })),
        requests: 0,
        tokens: 0,
      };
      members.set(u.member_id, member);
    }
    const day = member.days[at] as DayUsage;
    day.requests += u.requests;
    day.tokens += u.tokens;
    day.cached += u.cached;
    member.requests += u.requests;
    member.tokens += u.tokens;
  }
  return [...members.values()].sort((a, b) => b.tokens - a.tokens || b.requests - a.requests);
}

export type Role = (typeof ROLES)[number];
/** `any`: no rule for the role (for children that means no model at all); `only`: the listed ones. */
export type ModelRule = { mode: 'any' | 'only'; models: string };
export type QuotaDraft = { tokens: string; requests: string };
export type SettingsDraft = { models: Record<Role, ModelRule>; quotas: ReadonlyMap<string, QuotaDraft> };
export type Problem = { field: string; message: string };

export function draftOf(settings: AssistantSettings): SettingsDraft {
  const models = Object.fromEntries(
    ROLES.map((role) => {
      const rule = settings.allowed_models.find((r) => r.role === role);
      return [role, rule ? { mode: 'only', models: rule.models.join(', ') } : { mode: 'any', models: '' }];
    }),
  ) as Record<Role, ModelRule>;
  const quotas = new Map(
    settings.quotas.map((q) => [
      q.member_id,
      { tokens: String(q.tokens_per_day || ''), requests: String(q.requests_per_minute || '') },
    ]),
  );
  return { models, quotas };
}

const MODEL = new RegExp(MODEL_PATTERN);
/** What to say of an empty list: children may be allowed none, the others any. */
const NO_MODELS: Record<Role, string> = {
  admin: 'Name at least one model for admins, or choose “Any model”.',
  member: 'Name at least one model for members, or choose “Any model”.',
  child: 'Name at least one model for children, or choose “No model”.',
};

/** The names in a list typed by hand: commas or spaces between, each once. */
export const modelsIn = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

function count(text: string, max: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n <= max ? n : undefined;
}

/** The PUT body for a draft, or the first thing wrong with it (the field is the input's name). */
export function bodyOf(
  draft: SettingsDraft,
  expectedVersion: number,
): { body: AssistantSettingsBody } | { problem: Problem } {
  const allowed: AssistantSettingsBody['allowed_models'] = [];
  for (const role of ROLES) {
    const rule = draft.models[role];
    if (rule.mode === 'any') continue;
    const models = modelsIn(rule.models);
    const field = `models-${role}`;
    if (models.length === 0) return { problem: { field, message: NO_MODELS[role] } };
    if (models.length > MAX_MODELS)
      return { problem: { field, message: `At most ${MAX_MODELS} models for one role.` } };
    const bad = models.find((m) => m.length > MAX_MODEL || !MODEL.test(m));
    if (bad !== undefined)
      return {
        problem: {
          field,
          message: `“${bad.slice(0, 40)}” is not a model name: letters, digits and . _ : / - only, at most ${MAX_MODEL}.`,
        },
      };
    allowed.push({ role, models });
  }
  const quotas: AssistantSettingsBody['quotas'] = [];
  for (const [memberId, q] of draft.quotas) {
    const tokens = count(q.tokens, MAX_TOKENS_PER_DAY);
    if (tokens === undefined)
      return {
        problem: {
          field: `tokens-${memberId}`,
          message: `Tokens per day is a whole number from 0 (no limit) to ${MAX_TOKENS_PER_DAY.toLocaleString('en')}.`,
        },
      };
    const requests = count(q.requests, MAX_REQUESTS_PER_MINUTE);
    if (requests === undefined)
      return {
        problem: {
          field: `requests-${memberId}`,
          message: `Requests per minute is a whole number from 0 (no limit) to ${MAX_REQUESTS_PER_MINUTE.toLocaleString('en')}.`,
        },
      };
    // No limit on either is the same as no quota: left out, so the list stays within its bound.
    if (tokens > 0 || requests > 0)
      quotas.push({ member_id: memberId, tokens_per_day: tokens, requests_per_minute: requests });
  }
  return { body: { expected_version: expectedVersion, allowed_models: allowed, quotas } };
}

/**
 * The form's field for a path the edge refused in `body` (the schema's, e.g.
 * quotas.0.tokens_per_day or allowed_models.1.models.0), or undefined for one it has none of.
 */
export function fieldOf(path: string, body: AssistantSettingsBody): string | undefined {
  const [list, index, key] = path.split('.');
  if (index === undefined || !/^\d+$/.test(index)) return undefined;
  if (list === 'allowed_models') {
    const role = body.allowed_models[Number(index)]?.role;
    return role && `models-${role}`;
  }
  if (list === 'quotas') {
    const memberId = body.quotas[Number(index)]?.member_id;
    if (memberId === undefined) return undefined;
    return key === 'requests_per_minute' ? `requests-${memberId}` : `tokens-${memberId}`;
  }
  return undefined;
}
