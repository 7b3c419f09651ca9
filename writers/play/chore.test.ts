import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { type ChoreCommand, choreAggregate } from './chore.ts';
import { ev } from './events.fixture.ts';

const spec = deciderSpec(choreAggregate.decider);
type Define = Extract<ChoreCommand, { type: 'define' }>;
const define = (extra: Partial<Define> = {}): Define => ({
  type: 'define',
  choreId: 'dishes',
  title: ' Dishes ',
  points: 10,
  recurrence: 'daily',
  by: 'admin',
  ...extra,
});
const dishes = [ev.choreDefined('dishes')];

describe('defining a chore', () => {
  it('records it with its title trimmed', () => spec.given([]).when(define()).thenEmits(dishes));

  it('is once, unless said otherwise', () =>
    spec
      .given([])
      .when(define({ recurrence: undefined }))
      .thenEmits([ev.choreDefined('dishes', { recurrence: 'once' })]));

  it('updates an existing chore, keeping its recurrence unless given', () => {
    spec
      .given(dishes)
      .when(define({ points: 15, recurrence: undefined }))
      .thenEmits([ev.choreDefined('dishes', { points: 15 })]);
    spec
      .given(dishes)
      .when(define({ recurrence: 'weekly' }))
      .thenEmits([ev.choreDefined('dishes', { recurrence: 'weekly' })]);
  });

  it('says nothing when the definition is the same', () => {
    spec.given(dishes).when(define()).thenNothing();
    spec
      .given(dishes)
      .when(define({ title: 'Dishes', recurrence: undefined }))
      .thenNothing();
  });

  it('refuses a retired chore', () =>
    spec
      .given([...dishes, ev.choreRetired('dishes')])
      .when(define())
      .thenFails('play.chore_retired'));

  it('refuses an empty or overlong title', () => {
    spec
      .given([])
      .when(define({ title: '   ' }))
      .thenFails('play.invalid_title');
    spec
      .given([])
      .when(define({ title: 'x'.repeat(81) }))
      .thenFails('play.invalid_title');
    spec
      .given([])
      .when(define({ title: '🧽'.repeat(80) }))
      .thenEmits([ev.choreDefined('dishes', { title: '🧽'.repeat(80) })]);
  });

  it('refuses points outside 1 to 10,000 and unknown recurrences', () => {
    for (const points of [0, -1, 1.5, 10_001]) {
      spec.given([]).when(define({ points })).thenFails('play.invalid_points');
    }
    spec
      .given([])
      .when(define({ recurrence: 'hourly' as 'daily' }))
      .thenFails('play.invalid_recurrence');
  });
});

describe('retiring a chore', () => {
  it('retires it once', () => {
    spec
      .given(dishes)
      .when({ type: 'retire', choreId: 'dishes', by: 'admin' })
      .thenEmits([ev.choreRetired('dishes')]);
    spec
      .given([...dishes, ev.choreRetired('dishes')])
      .when({ type: 'retire', choreId: 'dishes', by: 'admin' })
      .thenNothing();
  });

  it('refuses an unknown chore', () =>
    spec
      .given([])
      .when({ type: 'retire', choreId: 'dishes', by: 'admin' })
      .thenFails('play.chore_not_found'));
});
