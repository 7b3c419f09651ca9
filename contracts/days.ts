// Days and weeks in the family's time zone, as YYYY-MM-DD strings; a week starts on Monday
// 00:00 local time. Writers decide chore periods and challenge weeks with these, and the
// scores count days and weeks with the same ones.

const formats = new Map<string, Intl.DateTimeFormat>();
const QUARTER_MS = 15 * 60_000;
/** Since 1972 every zone's offsets, and the moments they change, fall on whole quarter hours. */
const WHOLE_QUARTERS_SINCE = Date.UTC(1972, 0, 1);
const CACHE_LIMIT = 200_000;
const known = new Map<string, Map<number, string>>(); // zone → UTC quarter hour → local day

/**
 * The local date of an instant. Throws a RangeError for a time zone Intl does not know.
 * Every instant of one UTC quarter hour has the same local day, so each quarter hour is
 * formatted once: scoring asks for the day of every fact it counts.
 */
export function localDay(at: Date, timeZone: string): string {
  const ms = at.getTime();
  const quarter = Math.floor(ms / QUARTER_MS);
  let days = known.get(timeZone);
  const seen = ms >= WHOLE_QUARTERS_SINCE ? days?.get(quarter) : undefined;
  if (seen !== undefined) return seen;
  let format = formats.get(timeZone);
  if (!format) {
    // en-CA formats a date as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const day = format.format(at);
  if (ms >= WHOLE_QUARTERS_SINCE) {
    if (!days) {
      days = new Map();
      known.set(timeZone, days);
    }
    if (days.size >= CACHE_LIMIT) days.clear();
    days.set(quarter, day);
  }
  return day;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const toUtc = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A real calendar date in YYYY-MM-DD form (2026-02-30 is not, and 2026-66-05 parses to NaN). */
export const isDay = (day: string): boolean => {
  const ms = DAY.test(day) ? toUtc(day) : Number.NaN;
  return !Number.isNaN(ms) && fromUtc(ms) === day;
};

export const addDays = (day: string, n: number): string => fromUtc(toUtc(day) + n * DAY_MS);
export const daysBetween = (from: string, to: string): number =>
  Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

export function mondayOf(day: string): string {
  if (!isDay(day)) throw new Error(`not a date: ${day}`);
  const weekday = new Date(toUtc(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

export const isMonday = (day: string): boolean => isDay(day) && mondayOf(day) === day;
