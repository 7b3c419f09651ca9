// Days and weeks in the family's time zone. A week starts on Monday 00:00 local time.
import { localDay as familyDay, isDay, isMonday, mondayOf } from '../../contracts/days.ts';
import type { Recurrence } from '../../contracts/play.schema.ts';
import { playErrors } from './errors.ts';

/** The local date (YYYY-MM-DD) of an instant; an unknown time zone is the caller's 400. */
export function localDay(now: Date, timeZone: string): string {
  try {
    return familyDay(now, timeZone);
  } catch {
    throw playErrors.invalidTimeZone(`Not a known IANA time zone: ${timeZone}.`, { field: 'time_zone' });
  }
}

export { isMonday, mondayOf };

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
  return isDay(period);
}
