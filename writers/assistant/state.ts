// What a conversation's decisions read: whose it is, how many turns it has, and whether the
// last prompt still waits for its answer. No words: they are personal, and decisions need none.
import type { EventOf } from '../../contracts/events.ts';
import type { AssistantEvent } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';

export type AssistantEventBody = EventOf<AssistantEvent>;

export type ConversationState = {
  /** '' until the first prompt. */
  memberId: string;
  turns: number;
  /** The turns whose answer is still to come (the newest few: one never answered is let go). */
  pendingTurns: number[];
};

export const initialConversation: ConversationState = { memberId: '', turns: 0, pendingTurns: [] };

const MAX_PENDING = 8;

export function evolveConversation(state: ConversationState, event: AssistantEventBody): ConversationState {
  switch (event.case) {
    case 'promptSubmitted':
      return {
        memberId: event.value.memberId,
        turns: event.value.turn,
        // `?? []`: a snapshot taken before pendingTurns existed.
        pendingTurns: [...(state.pendingTurns ?? []), event.value.turn].slice(-MAX_PENDING),
      };
    case 'answerCompleted':
      return { ...state, pendingTurns: (state.pendingTurns ?? []).filter((t) => t !== event.value.turn) };
    default:
      return state;
  }
}
