// What home decisions read: nothing. An inbox's events only accumulate (a read is read twice
// harmlessly; settings carry the whole list), so its decisions get no state.
import type { EventOf } from '../../contracts/events.ts';
import type { HomeEvent } from '../../contracts/gen/hearth/home/v1/events_pb.ts';

export type HomeEventBody = EventOf<HomeEvent>;
