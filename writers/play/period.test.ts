import { describe, expect, it } from 'vitest';
import { completionIdFor, isMonday, localDay, mondayOf, periodFits, periodOf } from './period.ts';

const at = (iso: string) => new Date(iso);

describe('periodOf', () => {
  it("is 'once' for a once chore", () => {
    expect(periodOf('once', at('2025-03-10T12:00:00Z'), 'Europe/Paris')).toBe('once');
  });

  it('is the local day', () => {
    expect(periodOf('daily', at('2025-03-10T12:00:00Z'), 'UTC')).toBe('2025-03-10');
    // 23:30 UTC is already tomorrow in Paris, and still yesterday in Los Angeles at 03:00 UTC.
    expect(periodOf('daily', at('2025-03-10T23:30:00Z'), 'Europe/Paris')).toBe('2025-03-11');
    expect(periodOf('daily', at('2025-03-11T03:00:00Z'), 'America/Los_Angeles')).toBe('2025-03-10');
    expect(periodOf('daily', at('2025-03-10T23:30:00Z'), 'UTC')).toBe('2025-03-10');
  });

  it("is the local week's Monday", () => {
    expect(periodOf('weekly', at('2025-03-10T00:00:00Z'), 'UTC')).toBe('2025-03-10');
    expect(periodOf('weekly', at('2025-03-12T12:00:00Z'), 'UTC')).toBe('2025-03-10');
    expect(periodOf('weekly', at('2025-03-16T23:59:59Z'), 'UTC')).toBe('2025-03-10');
  });

  it('turns from Sunday to Monday at local midnight', () => {
    // Sunday 2025-03-16 23:30 UTC is Monday 00:30 in Paris: a new week there, not in UTC.
    const sundayNight = at('2025-03-16T23:30:00Z');
    expect(periodOf('weekly', sundayNight, 'UTC')).toBe('2025-03-10');
    expect(periodOf('weekly', sundayNight, 'Europe/Paris')).toBe('2025-03-17');
    // Monday 2025-03-17 03:00 UTC is still Sunday 23:00 in New York (EDT, UTC-4).
    const mondayMorning = at('2025-03-17T03:00:00Z');
    expect(periodOf('weekly', mondayMorning, 'UTC')).toBe('2025-03-17');
    expect(periodOf('weekly', mondayMorning, 'America/New_York')).toBe('2025-03-10');
  });

  it('crosses months and years', () => {
    expect(periodOf('weekly', at('2025-01-01T12:00:00Z'), 'UTC')).toBe('2024-12-30');
    expect(periodOf('daily', at('2024-12-31T23:00:00Z'), 'Asia/Tokyo')).toBe('2025-01-01');
    expect(periodOf('weekly', at('2024-03-01T12:00:00Z'), 'UTC')).toBe('2024-02-26');
  });

  it('refuses an unknown time zone', () => {
    expect(() => periodOf('daily', at('2025-03-10T12:00:00Z'), 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'play.invalid_time_zone' }),
    );
  });
});

describe('days and weeks', () => {
  it('finds the Monday of any date', () => {
    expect(mondayOf('2025-03-10')).toBe('2025-03-10');
    expect(mondayOf('2025-03-09')).toBe('2025-03-03');
    expect(mondayOf('1970-01-01')).toBe('1969-12-29');
  });

  it('tells real Mondays', () => {
    expect(isMonday('2025-03-10')).toBe(true);
    expect(isMonday('2025-03-11')).toBe(false);
    expect(isMonday('2025-02-30')).toBe(false);
    expect(isMonday('not a day')).toBe(false);
  });

  it('gives the local date of an instant', () => {
    expect(localDay(at('2025-06-30T22:30:00Z'), 'Pacific/Kiritimati')).toBe('2025-07-01');
  });
});

describe('completion ids', () => {
  it('are one per family for a once chore, else per member and period', () => {
    expect(completionIdFor('once', 'once', 'ann')).toBe('once');
    expect(completionIdFor('daily', '2025-03-10', 'ann')).toBe('2025-03-10_ann');
    expect(completionIdFor('weekly', '2025-03-10', 'bob')).toBe('2025-03-10_bob');
  });

  it('have periods that fit their recurrence', () => {
    expect(periodFits('once', 'once')).toBe(true);
    expect(periodFits('daily', '2025-03-11')).toBe(true);
    expect(periodFits('weekly', '2025-03-11')).toBe(false);
    expect(periodFits('daily', 'once')).toBe(false);
  });
});
