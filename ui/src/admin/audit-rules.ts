// The audit log's filters checked as the routes check them (contracts/audit.api.ts) before
// anything is asked: a value they would refuse is said plainly next to its field, never sent.
import { type AuditFilterField, auditDate, auditFilterAccepted } from '../../../contracts/audit.api.ts';
import type { AuditFilters } from './audit-api.ts';

export type AuditProblems = Partial<Record<AuditFilterField, string>>;

const FIELDS: AuditFilterField[] = ['actor', 'action', 'target', 'outcome', 'from', 'to', 'q'];

const shortly = (value: string) => (value.length > 40 ? `${value.slice(0, 39)}…` : value);

const MESSAGES: Record<AuditFilterField, (value: string) => string> = {
  actor: () => 'This person is not one Hearth knows. Choose someone from the list, or Everyone.',
  action: () => 'Action is a kind of event such as chat.MessagePosted, or a whole area such as chat.',
  target: () =>
    'Target is what was acted on, or the start of it, such as chat.channel.family: letters, digits, dots, dashes and underscores, no spaces.',
  outcome: () => 'Outcome is either “Went through” or “Refused”.',
  from: (v) => `“${shortly(v)}” is not a date and time. Pick one, or leave From empty.`,
  to: (v) => `“${shortly(v)}” is not a date and time. Pick one, or leave To empty.`,
  q: () => 'Containing is a name or a few words, at most 200 characters.',
};

const BARE_DOMAIN = /^[a-z]{1,16}$/;
// What a datetime-local field or a hand-typed address gives: a wall clock with no zone.
const WALL_CLOCK = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,3})?)?$/;

/** A time without a zone as this device's, as a moment; anything else as it is. */
function moment(value: string): string {
  if (!WALL_CLOCK.test(value) || auditDate(`${value}Z`) === null) return value;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

/**
 * The filters in the form the routes take: trimmed, a bare area ("chat") as the area ("chat."),
 * a time without a zone as this device's moment. Wrong values stay, to be shown as wrong.
 */
export function normalised(filters: AuditFilters): AuditFilters {
  const next = { ...filters };
  for (const key of FIELDS) next[key] = filters[key].trim();
  if (BARE_DOMAIN.test(next.action)) next.action = `${next.action}.`;
  next.from = moment(next.from);
  next.to = moment(next.to);
  return next;
}

/** Each filter the routes would refuse, with what to put there instead; empty filters are fine. */
export function problemsOf(filters: AuditFilters): AuditProblems {
  const problems: AuditProblems = {};
  for (const key of FIELDS) {
    const value = filters[key];
    if (value !== '' && !auditFilterAccepted(key, value)) problems[key] = MESSAGES[key](value);
  }
  return problems;
}
