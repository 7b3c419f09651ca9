import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { ev } from './events.fixture.ts';
import { checkedTimeZone, settingsAggregate } from './settings.ts';

const spec = deciderSpec(settingsAggregate.decider);
const change = (extra: { timeZone?: string; hiddenMemberIds?: string[] }) =>
  ({ type: 'change', by: 'admin', ...extra }) as const;

describe('family settings', () => {
  it('start in UTC with nobody hidden', () => {
    expect(settingsAggregate.decider.initialState).toEqual({ timeZone: 'UTC', hiddenMemberIds: [] });
  });

  it('change the time zone, carrying the full values', () =>
    spec
      .given([ev.settingsChanged('UTC', ['bob'])])
      .when(change({ timeZone: 'Europe/Paris' }))
      .thenEmits([ev.settingsChanged('Europe/Paris', ['bob'])]));

  it('hide members, de-duplicated and sorted', () =>
    spec
      .given([])
      .when(change({ hiddenMemberIds: ['cat', 'bob', 'cat'] }))
      .thenEmits([ev.settingsChanged('UTC', ['bob', 'cat'])]));

  it('say nothing when nothing changes', () => {
    spec.given([]).when(change({})).thenNothing();
    spec
      .given([ev.settingsChanged('Europe/Paris', ['bob', 'cat'])])
      .when(change({ timeZone: 'Europe/Paris', hiddenMemberIds: ['cat', 'bob'] }))
      .thenNothing();
  });

  it('take a time zone by its canonical name', () => {
    expect(checkedTimeZone('europe/paris')).toBe('Europe/Paris');
    spec
      .given([])
      .when(change({ timeZone: 'utc' }))
      .thenNothing();
  });

  it('refuse an unknown time zone', () => {
    spec
      .given([])
      .when(change({ timeZone: 'Mars/Olympus' }))
      .thenFails('play.invalid_time_zone');
    spec
      .given([])
      .when(change({ timeZone: '' }))
      .thenFails('play.invalid_time_zone');
    expect(() => checkedTimeZone('Nowhere')).toThrow(
      expect.objectContaining({ status: 400, details: { field: 'time_zone' } }),
    );
  });
});
