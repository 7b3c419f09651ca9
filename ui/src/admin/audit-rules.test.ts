import { describe, expect, it } from 'vitest';
import { filtersOf, NO_FILTERS, queryOf } from './audit-api.ts';
import { normalised, problemsOf } from './audit-rules.ts';

describe('the audit log’s filters', () => {
  it('take a bare area as the area, and leave an event type as it is', () => {
    expect(normalised({ ...NO_FILTERS, action: ' chat ' }).action).toBe('chat.');
    expect(normalised({ ...NO_FILTERS, action: 'chat.MessagePosted' }).action).toBe('chat.MessagePosted');
    // Not an area: shown as wrong rather than guessed at.
    expect(normalised({ ...NO_FILTERS, action: 'MessagePosted' }).action).toBe('MessagePosted');
  });

  it('read a time without a zone as this device’s, and keep what is not a time to say so', () => {
    expect(filtersOf('from=2024-01-01T10:00&to=2024-01-01T10:00:30').from).toBe(
      new Date('2024-01-01T10:00').toISOString(),
    );
    expect(filtersOf('to=2024-01-01T10:00:30').to).toBe(new Date('2024-01-01T10:00:30').toISOString());
    expect(filtersOf('from=2024-02-30T10:00').from).toBe('2024-02-30T10:00');
    expect(filtersOf('from=2024-01-01T10:00Z').from).toBe('2024-01-01T10:00Z');
  });

  it('name each filter the routes would refuse, in plain words', () => {
    const wrong = filtersOf('action=POST%20%2Fx&from=Jan%201%202024&outcome=maybe&actor=a%20b&target=a%20b');
    expect(Object.keys(problemsOf(wrong)).sort()).toEqual(['action', 'actor', 'from', 'outcome', 'target']);
    expect(problemsOf(wrong).action).toBe(
      'Action is a kind of event such as chat.MessagePosted, or a whole area such as chat.',
    );
    expect(problemsOf(filtersOf(`q=${'x'.repeat(201)}`)).q).toMatch(/at most 200 characters/);
    expect(problemsOf(filtersOf('action=chat&from=2024-01-01&outcome=refused&q=Mia'))).toEqual({});
    expect(problemsOf(NO_FILTERS)).toEqual({});
  });

  it('keep only the filters that are set in the query, normalised', () => {
    expect(queryOf(filtersOf('action=chat&q=&unknown=1'))).toBe('action=chat.');
  });
});
