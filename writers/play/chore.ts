// A chore's definition: what it is worth and how often it can be done.
import { create } from '@bufbuild/protobuf';
import {
  ChoreDefinedSchema,
  ChoreRetiredSchema,
  type PlayEvent,
  PlayEventSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { Recurrence } from '../../contracts/play.schema.ts';
import type { AggregateType } from '../log/append.ts';
import { playErrors } from './errors.ts';
import { type Chore, evolveChore, initialChore, isRecurrence, type PlayEventBody } from './state.ts';

export const MAX_TITLE_CHARS = 80;
export const MAX_CHORE_POINTS = 10_000;

export type ChoreCommand =
  | {
      type: 'define';
      choreId: string;
      title: string;
      points: number;
      /** Absent: as defined before, or 'once' for a new chore. */
      recurrence?: Recurrence | undefined;
      by: string;
    }
  | { type: 'retire'; choreId: string; by: string };

/** Trimmed, 1 to 80 characters. */
export function checkedTitle(title: string): string {
  const trimmed = title.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > MAX_TITLE_CHARS) throw playErrors.invalidTitle(undefined, { field: 'title' });
  return trimmed;
}

export function decideChore(command: ChoreCommand, state: Chore): PlayEventBody[] {
  switch (command.type) {
    case 'define':
      return define(command, state);
    case 'retire': {
      if (state.status === 'none') throw playErrors.choreNotFound();
      if (state.status === 'retired') return [];
      const value = create(ChoreRetiredSchema, { choreId: state.id, retiredBy: command.by });
      return [{ case: 'choreRetired', value }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function define(command: Extract<ChoreCommand, { type: 'define' }>, state: Chore): PlayEventBody[] {
  if (state.status === 'retired') throw playErrors.choreRetired();
  const title = checkedTitle(command.title);
  const { points } = command;
  const recurrence = command.recurrence ?? (state.status === 'active' ? state.recurrence : 'once');
  if (!Number.isInteger(points) || points < 1 || points > MAX_CHORE_POINTS) {
    throw playErrors.invalidPoints(undefined, { field: 'points' });
  }
  if (!isRecurrence(recurrence)) throw playErrors.invalidRecurrence(undefined, { field: 'recurrence' });
  if (
    state.status === 'active' &&
    state.title === title &&
    state.points === points &&
    state.recurrence === recurrence
  ) {
    return [];
  }
  const value = create(ChoreDefinedSchema, {
    choreId: command.choreId,
    title,
    points,
    recurrence,
    definedBy: command.by,
  });
  return [{ case: 'choreDefined', value }];
}

export const choreAggregate: AggregateType<Chore, ChoreCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names, choreId) => names.play.chore(choreId),
  decider: { initialState: initialChore, evolve: evolveChore, decide: decideChore },
  concurrency: 'optimistic',
  // A chore is defined once and done for years: its definition must outlive the retention.
  snapshot: true,
};
