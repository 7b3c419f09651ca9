import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { choreAggregate } from './chore.ts';
import { type CompletionCommand, completionAggregate } from './completion.ts';
import { ev } from './events.fixture.ts';
import type { Chore, PlayEventBody } from './state.ts';

const spec = deciderSpec(completionAggregate.decider);
const choreOf = (events: PlayEventBody[]): Chore =>
  events.reduce(choreAggregate.decider.evolve, choreAggregate.decider.initialState);
const daily = choreOf([ev.choreDefined('dishes', { points: 10, recurrence: 'daily' })]);
const once = choreOf([ev.choreDefined('attic', { points: 50, recurrence: 'once' })]);
const weekly = choreOf([ev.choreDefined('car', { points: 20, recurrence: 'weekly' })]);
const DAY = '2025-03-10';
const ID = `${DAY}_ann`;

type MarkDone = Extract<CompletionCommand, { type: 'markDone' }>;
const markDone = (extra: Partial<MarkDone> = {}): MarkDone => ({
  type: 'markDone',
  choreId: 'dishes',
  completionId: ID,
  memberId: 'ann',
  period: DAY,
  chore: daily,
  ...extra,
});
const on = { choreId: 'dishes', completionId: ID };
const approve = (canManage = true, by = 'admin') => ({ type: 'approve', ...on, by, canManage }) as const;
const reject = (canManage = true, by = 'admin') =>
  ({ type: 'reject', ...on, by, canManage, reason: ' streaky ' }) as const;

const pending = [ev.choreMarkedDone('dishes', ID, 'ann', DAY)];
const approved = [...pending, ev.choreApproved('dishes', ID, 'ann')];
const rejected = [...pending, ev.choreRejected('dishes', ID, 'ann')];

describe('marking a chore done', () => {
  it("records it with the chore's points, a photo and a note", () =>
    spec
      .given([])
      .when(markDone({ photoId: 'p1', note: ' all of them ' }))
      .thenEmits([
        ev.choreMarkedDone('dishes', ID, 'ann', DAY, { points: 10, photoId: 'p1', note: 'all of them' }),
      ]));

  it('lets a rejected completion be marked again', () =>
    spec.given(rejected).when(markDone()).thenEmits(pending));

  it('lets anyone mark a once chore again after a rejection', () => {
    const attic = { choreId: 'attic', completionId: 'once', period: 'once', chore: once };
    spec
      .given([
        ev.choreMarkedDone('attic', 'once', 'ann', 'once', { points: 50 }),
        ev.choreRejected('attic', 'once', 'ann'),
      ])
      .when(markDone({ ...attic, memberId: 'bob' }))
      .thenEmits([ev.choreMarkedDone('attic', 'once', 'bob', 'once', { points: 50 })]);
    spec
      .given([ev.choreMarkedDone('attic', 'once', 'ann', 'once', { points: 50 })])
      .when(markDone({ ...attic, memberId: 'bob' }))
      .thenFails('play.already_done');
  });

  it('takes a weekly completion for its Monday', () =>
    spec
      .given([])
      .when(markDone({ choreId: 'car', chore: weekly, period: DAY, completionId: ID }))
      .thenEmits([ev.choreMarkedDone('car', ID, 'ann', DAY, { points: 20 })]));

  it('refuses a completion pending or approved', () => {
    spec.given(pending).when(markDone()).thenFails('play.already_done');
    spec.given(approved).when(markDone()).thenFails('play.already_done');
  });

  it('refuses an unknown or retired chore', () => {
    spec
      .given([])
      .when(markDone({ chore: { status: 'none' } }))
      .thenFails('play.chore_not_found');
    spec
      .given([])
      .when(markDone({ chore: { ...daily, status: 'retired' } as Chore }))
      .thenFails('play.chore_retired');
  });

  it("refuses a completion that does not fit the chore's period", () => {
    spec
      .given([])
      .when(markDone({ completionId: `${DAY}_bob` }))
      .thenFails('play.invalid_period');
    spec
      .given([])
      .when(markDone({ period: '2025-02-30', completionId: '2025-02-30_ann' }))
      .thenFails('play.invalid_period');
    spec
      .given([])
      .when(markDone({ chore: weekly, period: '2025-03-11', completionId: '2025-03-11_ann' }))
      .thenFails('play.invalid_period');
    spec
      .given([])
      .when(markDone({ chore: once, period: DAY, completionId: 'once' }))
      .thenFails('play.invalid_period');
  });
});

describe('approving a completion', () => {
  it('approves a pending completion, once', () => {
    spec
      .given(pending)
      .when(approve())
      .thenEmits([ev.choreApproved('dishes', ID, 'ann')]);
    spec.given(approved).when(approve()).thenNothing();
  });

  it('refuses someone who does not manage play, before anything else', () => {
    spec.given(pending).when(approve(false, 'ann')).thenFails('play.not_allowed');
    spec.given([]).when(approve(false, 'ann')).thenFails('play.not_allowed');
  });

  it('refuses an unknown or rejected completion', () => {
    spec.given([]).when(approve()).thenFails('play.completion_not_found');
    spec.given(rejected).when(approve()).thenFails('play.completion_rejected');
  });

  it("refuses a decision on someone else's completion of a one-off chore than the admin saw", () => {
    const attic = { choreId: 'attic', completionId: 'once' };
    const bobsTurn = [
      ev.choreMarkedDone('attic', 'once', 'ann', 'once', { points: 50 }),
      ev.choreRejected('attic', 'once', 'ann'),
      ev.choreMarkedDone('attic', 'once', 'bob', 'once', { points: 50 }),
    ];
    const decide = { ...attic, by: 'admin', canManage: true, memberId: 'ann' };
    spec
      .given(bobsTurn)
      .when({ type: 'approve', ...decide })
      .thenFails('play.completion_changed');
    spec
      .given(bobsTurn)
      .when({ type: 'reject', ...decide, reason: '' })
      .thenFails('play.completion_changed');
    spec
      .given(bobsTurn)
      .when({ type: 'approve', ...decide, memberId: 'bob' })
      .thenEmits([ev.choreApproved('attic', 'once', 'bob')]);
  });
});

describe('rejecting a completion', () => {
  it('rejects a pending completion', () =>
    spec
      .given(pending)
      .when(reject())
      .thenEmits([ev.choreRejected('dishes', ID, 'ann', false, 'streaky')]));

  it('takes an approval back', () =>
    spec
      .given(approved)
      .when(reject())
      .thenEmits([ev.choreRejected('dishes', ID, 'ann', true, 'streaky')]));

  it('does nothing when already rejected', () => spec.given(rejected).when(reject()).thenNothing());

  it('refuses someone who does not manage play, and an unknown completion', () => {
    spec.given(pending).when(reject(false, 'ann')).thenFails('play.not_allowed');
    spec.given([]).when(reject()).thenFails('play.completion_not_found');
  });
});
