// One completion of a chore: marked done by a member, then approved or rejected by an admin.
// The chore's state arrives with the command: the caller loads it, the decider reads it.
import { create } from '@bufbuild/protobuf';
import {
  ChoreApprovedSchema,
  ChoreMarkedDoneSchema,
  ChoreRejectedSchema,
  type PlayEvent,
  PlayEventSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { playErrors } from './errors.ts';
import { splitPair } from './ids.ts';
import { completionIdFor, periodFits } from './period.ts';
import {
  type Chore,
  type Completion,
  evolveCompletion,
  initialCompletion,
  type PlayEventBody,
} from './state.ts';

type On = { choreId: string; completionId: string };

/** canManage: the actor may manage play (admins); the edge asks the permissions. */
export type CompletionCommand =
  | (On & {
      type: 'markDone';
      memberId: string;
      /** 'once', the local day or the week's Monday (see periodOf). */
      period: string;
      photoId?: string | undefined;
      note?: string | undefined;
      chore: Chore;
    })
  | (On & Decision & { type: 'approve' })
  | (On & Decision & { type: 'reject'; reason: string });

/**
 * An admin's decision on what they saw: when it names the member, a completion marked done
 * since by someone else (a one-off chore is one completion for everyone) is refused.
 */
type Decision = { by: string; canManage: boolean; memberId?: string | undefined };

type Of<T extends CompletionCommand['type']> = Extract<CompletionCommand, { type: T }>;
type Existing = Exclude<Completion, { status: 'none' }>;

export function decideCompletion(command: CompletionCommand, state: Completion): PlayEventBody[] {
  switch (command.type) {
    case 'markDone':
      return markDone(command, state);
    case 'approve':
      return approve(command, existing(command, state));
    case 'reject':
      return reject(command, existing(command, state));
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/** Admins only, checked first: nobody else learns whether the completion exists. */
function existing(command: Decision, state: Completion): Existing {
  if (!command.canManage) throw playErrors.notAllowed();
  if (state.status === 'none') throw playErrors.completionNotFound();
  if (command.memberId !== undefined && command.memberId !== state.memberId)
    throw playErrors.completionChanged();
  return state;
}

function markDone(command: Of<'markDone'>, state: Completion) {
  const { chore } = command;
  if (chore.status === 'none') throw playErrors.choreNotFound();
  if (chore.status === 'retired') throw playErrors.choreRetired();
  if (
    !periodFits(chore.recurrence, command.period) ||
    command.completionId !== completionIdFor(chore.recurrence, command.period, command.memberId)
  ) {
    throw playErrors.invalidPeriod();
  }
  if (state.status === 'pending' || state.status === 'approved') throw playErrors.alreadyDone();
  const value = create(ChoreMarkedDoneSchema, {
    choreId: command.choreId,
    completionId: command.completionId,
    memberId: command.memberId,
    period: command.period,
    points: chore.points,
    photoId: command.photoId ?? '',
    note: command.note?.trim() ?? '',
  });
  return [{ case: 'choreMarkedDone', value } as const];
}

function approve(command: Of<'approve'>, state: Existing) {
  if (state.status === 'approved') return [];
  if (state.status === 'rejected') throw playErrors.completionRejected();
  const value = create(ChoreApprovedSchema, {
    choreId: state.choreId,
    completionId: state.completionId,
    memberId: state.memberId,
    approvedBy: command.by,
  });
  return [{ case: 'choreApproved', value } as const];
}

function reject(command: Of<'reject'>, state: Existing) {
  if (state.status === 'rejected') return [];
  const value = create(ChoreRejectedSchema, {
    choreId: state.choreId,
    completionId: state.completionId,
    memberId: state.memberId,
    rejectedBy: command.by,
    reason: command.reason.trim(),
    wasApproved: state.status === 'approved',
  });
  return [{ case: 'choreRejected', value } as const];
}

export const completionAggregate: AggregateType<Completion, CompletionCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names, key) => names.play.completion(...splitPair(key)),
  decider: { initialState: initialCompletion, evolve: evolveCompletion, decide: decideCompletion },
  concurrency: 'optimistic',
};
