// What a conversation's decisions read: whose it is, how many turns it has, and whether the
// last prompt still waits for its answer. No words: they are personal, and decisions need none.
import type { EventOf } from '../../contracts/events.ts';
import type { AssistantEvent } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';

export type AssistantEventBody = EventOf<AssistantEvent>;

export type ConversationState = {
  /** '' until the first prompt. */
  memberId: string;
  turns: number;
  pending: boolean;
};

export const initialConversation: ConversationState = { memberId: '', turns: 0, pending: false };

export function evolveConversation(state: ConversationState, event: AssistantEventBody): ConversationState {
  switch (event.case) {
    case 'promptSubmitted':
      return { memberId: event.value.memberId, turns: event.value.turn, pending: true };
    case 'answerCompleted':
      return { ...state, pending: false };
    default:
      return state;
  }
}
