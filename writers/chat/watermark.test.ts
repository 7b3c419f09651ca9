import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { channelAggregate } from './channel.ts';
import { ev } from './events.fixture.ts';
import { watermarkAggregate } from './watermark.ts';

const spec = deciderSpec(watermarkAggregate.decider);
const trip = [ev.created('trip'), ev.joined('trip', 'ann')].reduce(
  channelAggregate.decider.evolve,
  channelAggregate.decider.initialState,
);
const mark = (upToSeq: number, userId = 'ann') =>
  ({ type: 'markRead', channelId: 'trip', userId, upToSeq, channel: trip }) as const;

describe('marking a channel read', () => {
  it('moves the watermark forward', () =>
    spec
      .given([ev.read('trip', 'ann', 5)])
      .when(mark(9))
      .thenEmits([ev.read('trip', 'ann', 9)]));

  it('never moves it back, and says nothing when it stays', () => {
    spec
      .given([ev.read('trip', 'ann', 9)])
      .when(mark(5))
      .thenNothing();
    spec
      .given([ev.read('trip', 'ann', 9)])
      .when(mark(9))
      .thenNothing();
  });

  it('refuses someone who is not a member', () =>
    spec.given([]).when(mark(3, 'cat')).thenFails('chat.not_a_member'));
});
