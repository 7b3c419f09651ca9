// One milestone of one member: a level reached or an achievement unlocked, told once. The
// scores that reach it are computed (play-scores), so a rule change can take a level away
// and give it back: the second time appends nothing.
import { create } from '@bufbuild/protobuf';
import {
  AchievementUnlockedSchema,
  type HomeEvent,
  HomeEventSchema,
  LevelReachedSchema,
} from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { evolveMilestone, type HomeEventBody, initialMilestone, type Milestone } from './state.ts';

export type MilestoneCommand =
  | { type: 'level'; memberId: string; level: number }
  | { type: 'achievement'; memberId: string; achievementId: string; title: string };

/** The milestone's key within the member: level-3, achievement-<id>. */
export function milestoneKey(command: MilestoneCommand): string {
  return command.type === 'level' ? `level-${command.level}` : `achievement-${command.achievementId}`;
}

export function decideMilestone(command: MilestoneCommand, state: Milestone): HomeEventBody[] {
  if (state.reached) return [];
  if (command.type === 'level')
    return [
      {
        case: 'levelReached',
        value: create(LevelReachedSchema, { memberId: command.memberId, level: command.level }),
      },
    ];
  return [
    {
      case: 'achievementUnlocked',
      value: create(AchievementUnlockedSchema, {
        memberId: command.memberId,
        achievementId: command.achievementId,
        title: command.title,
      }),
    },
  ];
}

/** The id is "<member>/<key>": the subject holds both. */
export const milestoneAggregate: AggregateType<Milestone, MilestoneCommand, HomeEvent> = {
  domain: 'home',
  envelope: HomeEventSchema,
  subject: (names, id) => {
    const [member = '', key = ''] = id.split('/');
    return names.home.milestone(member, key);
  },
  decider: { initialState: initialMilestone, evolve: evolveMilestone, decide: decideMilestone },
  concurrency: 'optimistic',
  expectsNew: () => true,
};
