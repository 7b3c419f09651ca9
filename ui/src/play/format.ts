// Words and numbers for play screens.

import type { GrantSource, MatchStatus } from '../../../contracts/play.api.ts';
import type { Metric, Recurrence } from '../../../contracts/play.schema.ts';

export const METRIC_LABELS: Record<Metric, string> = {
  messages_sent: 'Messages sent',
  photos_shared: 'Photos shared',
  files_shared: 'Files shared',
  matches_played: 'Matches played',
  matches_won: 'Matches won',
  challenges_completed: 'Challenges completed',
  chores_approved: 'Chores approved',
  streak_days: 'Days in a row',
  level: 'Level',
};

export const RECURRENCE_LABELS: Record<Recurrence, string> = {
  once: 'Once',
  daily: 'Daily',
  weekly: 'Weekly',
};

export const MATCH_STATUS_LABELS: Record<MatchStatus, string> = {
  reported: 'Waiting for confirmation',
  settled: 'Counts towards the ratings',
  rejected: 'Rejected',
  voided: 'Voided',
  expired: 'Expired',
};

const number = new Intl.NumberFormat();
export const formatNumber = (n: number) => number.format(n);

/** A rating change: +20, −17.6, ±0. */
export function formatDelta(n: number): string {
  if (n === 0) return '±0';
  const abs = Number.isInteger(n) ? number.format(Math.abs(n)) : Math.abs(n).toFixed(1);
  return `${n > 0 ? '+' : '−'}${abs}`;
}

/** Ratings are written without grouping, as chess players do: 1220, 1187.5. */
export function formatRating(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

const thisYear = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const otherYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dayMonth = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** A moment, short: "Nov 22, 6:48 PM" (with the year when it is not this one). */
export function formatWhen(iso: string): string {
  const at = new Date(iso);
  return (at.getFullYear() === new Date().getFullYear() ? thisYear : otherYear).format(at);
}
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

/** A YYYY-MM-DD day, as the family would say it ("Mon 12 May"). */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return dayMonth.format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** "1st", "2nd", "3rd", "4th"… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Where a grant of XP came from, in words. */
export function describeSource(source: GrantSource): string {
  switch (source.kind) {
    case 'messages':
      return `${source.messages} ${source.messages === 1 ? 'message' : 'messages'} on ${formatDay(source.day)}`;
    case 'streak':
      return `Day ${source.run} in a row (${formatDay(source.day)})`;
    case 'event':
      return source.label.charAt(0).toUpperCase() + source.label.slice(1);
    default:
      return '';
  }
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${formatNumber(n)} ${n === 1 ? one : many}`;
