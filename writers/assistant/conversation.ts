// One member's conversation with the assistant: a prompt opens a turn, its answer (whole, cut
// off, or from the cache) closes it. Only its member writes to it. The sizes and strings were
// checked at the edge (contracts/assistant.schema.ts).
import { create } from '@bufbuild/protobuf';
import {
  AnswerCompletedSchema,
  type AssistantEvent,
  AssistantEventSchema,
  PromptSubmittedSchema,
} from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { assistantErrors } from './errors.ts';
import {
  type AssistantEventBody,
  type ConversationState,
  evolveConversation,
  initialConversation,
} from './state.ts';

export type SubmitPrompt = {
  type: 'submit';
  conversationId: string;
  memberId: string;
  role: string;
  model: string;
  prompt: string;
  /** The turn this prompt opens, as the edge read it: refused (409) if another came first. */
  turn: number;
  /** The family's system prompt applied before the member's own, if any, and its version. */
  systemPromptId?: string;
  systemPromptVersion?: number;
  /**
   * The edge generated the conversation's id for this prompt, so its subject cannot exist yet.
   * A client's id is never trusted so: its subject may hold only a snapshot of its owner.
   */
  fresh?: boolean;
};

export type CompleteAnswer = {
  type: 'complete';
  /** The turn it answers: the one its prompt opened. */
  turn: number;
  conversationId: string;
  memberId: string;
  model: string;
  answer: string;
  promptTokens: number;
  answerTokens: number;
  durationMs: number;
  cutOff: '' | 'stopped' | 'timeout' | 'upstream';
  cached: boolean;
};

export type ConversationCommand = SubmitPrompt | CompleteAnswer;

export function decideConversation(
  command: ConversationCommand,
  state: ConversationState,
): AssistantEventBody[] {
  if (state.memberId !== '' && state.memberId !== command.memberId) throw assistantErrors.notYours();
  switch (command.type) {
    case 'submit': {
      // A turn whose answer never came (the hub stopped mid-answer) does not block the next;
      // two prompts at once (two tabs) are told apart by their turn, and the later refused.
      if (command.turn !== state.turns + 1) throw assistantErrors.turnTaken();
      const { type: _, fresh: __, ...rest } = command;
      return [{ case: 'promptSubmitted', value: create(PromptSubmittedSchema, rest) }];
    }
    case 'complete': {
      // Each answer closes its own turn, once: another turn's, or a repeat, is refused.
      if (!(state.pendingTurns ?? []).includes(command.turn)) throw assistantErrors.noTurnPending();
      const { type: _, ...rest } = command;
      return [{ case: 'answerCompleted', value: create(AnswerCompletedSchema, rest) }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const conversationAggregate: AggregateType<ConversationState, ConversationCommand, AssistantEvent> = {
  domain: 'assistant',
  envelope: AssistantEventSchema,
  subject: (names, id) => names.assistant.conversation(id),
  decider: { initialState: initialConversation, evolve: evolveConversation, decide: decideConversation },
  concurrency: 'optimistic',
  snapshot: true,
  // A new conversation's first prompt under an id the edge generated: its subject is not loaded
  // before the append. A client's id is loaded: its events may be gone with its snapshot left.
  expectsNew: (command) => command.type === 'submit' && command.fresh === true && command.turn === 1,
};
