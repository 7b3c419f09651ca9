// What home decisions read. The inbox reads nothing (its events only accumulate: a read is
// read twice harmlessly, settings carry the whole list); a milestone reads whether it was
// reached, so a member is told of a level once.
import type { EventOf } from '../../contracts/events.ts';
import type { HomeEvent } from '../../contracts/gen/hearth/home/v1/events_pb.ts';

export type HomeEventBody = EventOf<HomeEvent>;

export type Milestone = { reached: boolean };
export const initialMilestone: Milestone = { reached: false };

export function evolveMilestone(state: Milestone, event: HomeEventBody): Milestone {
  return event.case === 'levelReached' || event.case === 'achievementUnlocked' ? { reached: true } : state;
}
