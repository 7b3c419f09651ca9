import { describe, expect, it } from 'vitest';
import { isDay, isMonday, localDay } from './days.ts';

const formats = new Map<string, Intl.DateTimeFormat>();
const intlDay = (at: Date, timeZone: string) => {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format.format(at);
};

describe('the local day of an instant', () => {
  it('is what Intl says, across offsets of any quarter hour and their changes', () => {
    const zones = [
      'Europe/Berlin',
      'America/St_Johns',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    // Every 7 minutes 13 seconds through 2026: both sides of every midnight and change of offset.
    const start = Date.UTC(2026, 0, 1);
    let wrong = 0;
    for (const zone of zones)
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 433_000)
        if (localDay(new Date(ms), zone) !== intlDay(new Date(ms), zone)) wrong++;
    expect(wrong).toBe(0);
  });

  it('refuses an unknown zone and an invalid date', () => {
    expect(() => localDay(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => localDay(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('a day in YYYY-MM-DD form', () => {
  it('is a real calendar date, and anything else is not a day (never a throw)', () => {
    expect(isDay('2026-03-02')).toBe(true);
    for (const day of ['2026-02-30', '2026-66-05', '2026-13-01', '2026-00-10', '2026-1-01', 'x'])
      expect({ day, isDay: isDay(day), isMonday: isMonday(day) }).toEqual({
        day,
        isDay: false,
        isMonday: false,
      });
  });
});
