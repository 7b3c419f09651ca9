// Days and weeks in the family's time zone. A week starts on Monday 00:00 local time.
import type { Recurrence } from '../../contracts/play.schema.ts';
import { playErrors } from './errors.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw playErrors.invalidTimeZone(`Not a known IANA time zone: ${timeZone}.`, { field: 'time_zone' });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(now: Date, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** Days since the epoch of a YYYY-MM-DD date, or undefined when it is not a real date. */
function epochDay(day: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return ms / DAY_MS;
}

const dayOf = (epoch: number) => new Date(epoch * DAY_MS).toISOString().slice(0, 10);

/** The Monday (YYYY-MM-DD) of the week a date falls in. */
export function mondayOf(day: string): string {
  const epoch = epochDay(day);
  if (epoch === undefined) throw new Error(`not a date: ${day}`);
  // 1970-01-01 was a Thursday: (epoch + 3) mod 7 counts days since Monday.
  return dayOf(epoch - ((((epoch + 3) % 7) + 7) % 7));
}

/** A real date that is a Monday. */
export function isMonday(day: string): boolean {
  const epoch = epochDay(day);
  return epoch !== undefined && mondayOf(day) === day;
}

/** The period a completion at this instant is for: 'once', the local day, or its week's Monday. */
export function periodOf(recurrence: Recurrence, now: Date, timeZone: string): string {
  switch (recurrence) {
    case 'once':
      return 'once';
    case 'daily':
      return localDay(now, timeZone);
    case 'weekly':
      return mondayOf(localDay(now, timeZone));
    default: {
      const unreachable: never = recurrence;
      return unreachable;
    }
  }
}

/**
 * The completion a member's mark lands on: one for the whole family for a 'once' chore
 * (after a rejection anyone may mark it again), else one per member per day or week.
 */
export function completionIdFor(recurrence: Recurrence, period: string, memberId: string): string {
  return recurrence === 'once' ? 'once' : `${period}_${memberId}`;
}

/** Whether a period has the shape its recurrence gives: 'once', a real date, or a Monday. */
export function periodFits(recurrence: Recurrence, period: string): boolean {
  if (recurrence === 'once') return period === 'once';
  if (recurrence === 'weekly') return isMonday(period);
  return epochDay(period) !== undefined;
}
