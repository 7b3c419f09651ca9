import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { type ChallengeCommand, challengeAggregate, rewardAggregate } from './challenge.ts';
import { ev } from './events.fixture.ts';

const spec = deciderSpec(challengeAggregate.decider);
type Create = Extract<ChallengeCommand, { type: 'create' }>;
const create = (extra: Partial<Create> = {}): Create => ({
  type: 'create',
  challengeId: 'c1',
  title: ' Talk more ',
  week: '2025-03-10',
  metric: 'messages_sent',
  target: 20,
  rewardXp: 50,
  memberIds: [],
  startsAt: null,
  by: 'admin',
  ...extra,
});
const cancel = { type: 'cancel', challengeId: 'c1', by: 'admin' } as const;
const c1 = [ev.challengeCreated('c1')];

describe('creating a challenge', () => {
  it('records it for the week starting on the given Monday', () =>
    spec.given([]).when(create()).thenEmits(c1));

  it('counts from when it was created, or from its Monday when the admin says so', () => {
    const at = new Date('2025-03-14T15:30:00Z');
    spec
      .given([])
      .when(create({ startsAt: at }))
      .thenEmits([ev.challengeCreated('c1', { startsAt: at })]);
    // No start recorded: the whole week, as every challenge before starts existed meant.
    spec
      .given([])
      .when(create({ startsAt: null }))
      .thenEmits(c1);
  });

  it('takes each member once', () =>
    spec
      .given([])
      .when(create({ memberIds: ['bob', 'ann', 'bob'] }))
      .thenEmits([ev.challengeCreated('c1', { memberIds: ['bob', 'ann'] })]));

  it('refuses an id that is taken, cancelled or not', () => {
    spec.given(c1).when(create()).thenFails('play.challenge_exists');
    spec
      .given([...c1, ev.challengeCancelled('c1')])
      .when(create())
      .thenFails('play.challenge_exists');
  });

  it('refuses a week that is not a real Monday', () => {
    for (const week of ['2025-03-11', '2025-03-16', '2025-02-31', '2025-3-10', 'monday', '']) {
      spec.given([]).when(create({ week })).thenFails('play.invalid_week');
    }
    spec
      .given([])
      .when(create({ week: '2024-12-30' }))
      .thenEmits([ev.challengeCreated('c1', { week: '2024-12-30' })]);
  });

  it('refuses a bad title, metric, target or reward', () => {
    spec
      .given([])
      .when(create({ title: ' ' }))
      .thenFails('play.invalid_title');
    spec
      .given([])
      .when(create({ metric: 'level' as 'messages_sent' }))
      .thenFails('play.invalid_challenge');
    spec
      .given([])
      .when(create({ target: 0 }))
      .thenFails('play.invalid_challenge');
    spec
      .given([])
      .when(create({ rewardXp: 2.5 }))
      .thenFails('play.invalid_challenge');
  });
});

describe('cancelling a challenge', () => {
  it('cancels it once', () => {
    spec
      .given(c1)
      .when(cancel)
      .thenEmits([ev.challengeCancelled('c1')]);
    spec
      .given([...c1, ev.challengeCancelled('c1')])
      .when(cancel)
      .thenNothing();
  });

  it('refuses an unknown challenge', () => spec.given([]).when(cancel).thenFails('play.challenge_not_found'));
});

describe("a member's reward", () => {
  const rewards = deciderSpec(rewardAggregate.decider);
  const complete = { type: 'complete', challengeId: 'c1', memberId: 'ann', rewardXp: 50 } as const;

  it('is given once', () => {
    rewards
      .given([])
      .when(complete)
      .thenEmits([ev.challengeCompleted('c1', 'ann', 50)]);
    rewards
      .given([ev.challengeCompleted('c1', 'ann', 50)])
      .when(complete)
      .thenNothing();
    rewards
      .given([ev.challengeCompleted('c1', 'ann', 50)])
      .when({ ...complete, rewardXp: 80 })
      .thenNothing();
  });
});
