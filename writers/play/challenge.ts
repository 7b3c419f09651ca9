// Weekly challenges and their rewards. A reward is its own aggregate per (challenge, member),
// so completing it twice, by a retried or a racing command, can only ever append one event.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ChallengeCancelledSchema,
  ChallengeCompletedSchema,
  ChallengeCreatedSchema,
  type PlayEvent,
  PlayEventSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import { CHALLENGE_METRICS, type ChallengeMetric } from '../../contracts/play.schema.ts';
import type { AggregateType } from '../log/append.ts';
import { checkedTitle } from './chore.ts';
import { playErrors } from './errors.ts';
import { splitPair } from './ids.ts';
import { isMonday } from './period.ts';
import {
  type Challenge,
  evolveChallenge,
  evolveReward,
  initialChallenge,
  initialReward,
  type PlayEventBody,
  type Reward,
} from './state.ts';

export const MAX_CHALLENGE_COUNT = 100_000;

export type ChallengeCommand =
  | {
      type: 'create';
      challengeId: string;
      title: string;
      /** The Monday (YYYY-MM-DD, family time zone) the challenge's week starts on. */
      week: string;
      metric: ChallengeMetric;
      target: number;
      rewardXp: number;
      /** Empty: every member takes part. */
      memberIds: string[];
      /**
       * When progress starts to count: the moment it was created, so a challenge set on a
       * Friday is not already half done. Null: the whole week, from its Monday (the admin's
       * explicit choice).
       */
      startsAt: Date | null;
      by: string;
    }
  | { type: 'cancel'; challengeId: string; by: string };

const isCount = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_CHALLENGE_COUNT;

export function decideChallenge(command: ChallengeCommand, state: Challenge): PlayEventBody[] {
  switch (command.type) {
    case 'create': {
      if (state.status !== 'none') throw playErrors.challengeExists();
      const title = checkedTitle(command.title);
      if (!isMonday(command.week)) throw playErrors.invalidWeek(undefined, { field: 'week' });
      if (!(CHALLENGE_METRICS as readonly string[]).includes(command.metric)) {
        throw playErrors.invalidChallenge(`Not a challenge metric: ${command.metric}.`, { field: 'metric' });
      }
      if (!isCount(command.target)) throw playErrors.invalidChallenge(undefined, { field: 'target' });
      if (!isCount(command.rewardXp)) throw playErrors.invalidChallenge(undefined, { field: 'reward_xp' });
      const value = create(ChallengeCreatedSchema, {
        challengeId: command.challengeId,
        title,
        week: command.week,
        metric: command.metric,
        target: command.target,
        rewardXp: command.rewardXp,
        memberIds: [...new Set(command.memberIds)],
        createdBy: command.by,
        ...(command.startsAt ? { startsAt: timestampFromDate(command.startsAt) } : {}),
      });
      return [{ case: 'challengeCreated', value }];
    }
    case 'cancel': {
      if (state.status === 'none') throw playErrors.challengeNotFound();
      if (state.status === 'cancelled') return [];
      const value = create(ChallengeCancelledSchema, { challengeId: state.id, cancelledBy: command.by });
      return [{ case: 'challengeCancelled', value }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export const challengeAggregate: AggregateType<Challenge, ChallengeCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names, challengeId) => names.play.challenge(challengeId),
  decider: { initialState: initialChallenge, evolve: evolveChallenge, decide: decideChallenge },
  concurrency: 'optimistic',
};

export type RewardCommand = { type: 'complete'; challengeId: string; memberId: string; rewardXp: number };

export function decideReward(command: RewardCommand, state: Reward): PlayEventBody[] {
  if (state.status === 'completed') return [];
  const value = create(ChallengeCompletedSchema, {
    challengeId: command.challengeId,
    memberId: command.memberId,
    rewardXp: command.rewardXp,
  });
  return [{ case: 'challengeCompleted', value }];
}

export const rewardAggregate: AggregateType<Reward, RewardCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names, key) => names.play.reward(...splitPair(key)),
  decider: { initialState: initialReward, evolve: evolveReward, decide: decideReward },
  // The expected sequence 0 is what makes two racing completions land once.
  concurrency: 'optimistic',
};
