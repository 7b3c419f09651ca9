import { create } from '@bufbuild/protobuf';
import { describe, it } from 'vitest';
import {
  AnswerCompletedSchema,
  PromptSubmittedSchema,
} from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { conversationAggregate } from './conversation.ts';
import type { AssistantEventBody } from './state.ts';

const spec = deciderSpec(conversationAggregate.decider);
const asked = (turn: number, memberId = 'ann'): AssistantEventBody => ({
  case: 'promptSubmitted',
  value: create(PromptSubmittedSchema, {
    conversationId: 'c1',
    memberId,
    role: 'member',
    model: 'm',
    prompt: 'hi',
    turn,
  }),
});
const answer = {
  conversationId: 'c1',
  memberId: 'ann',
  model: 'm',
  answer: 'hello',
  promptTokens: 3,
  answerTokens: 5,
  durationMs: 40,
  cutOff: '' as const,
  cached: false,
};

describe('a member asking the assistant', () => {
  it('opens the first turn', () =>
    spec
      .given([])
      .when({
        type: 'submit',
        conversationId: 'c1',
        memberId: 'ann',
        role: 'member',
        model: 'm',
        prompt: 'hi',
      })
      .thenEmits([asked(1)]));

  it('opens the next turn after an answer', () =>
    spec
      .given([
        asked(1),
        { case: 'answerCompleted', value: create(AnswerCompletedSchema, { ...answer, turn: 1 }) },
      ])
      .when({
        type: 'submit',
        conversationId: 'c1',
        memberId: 'ann',
        role: 'member',
        model: 'm',
        prompt: 'hi',
      })
      .thenEmits([asked(2)]));

  it('refuses another member’s conversation as if it did not exist', () =>
    spec
      .given([asked(1)])
      .when({
        type: 'submit',
        conversationId: 'c1',
        memberId: 'bob',
        role: 'member',
        model: 'm',
        prompt: 'hi',
      })
      .thenFails('assistant.not_yours'));
});

describe('the answer', () => {
  it('closes the pending turn, cut off or whole', () =>
    spec
      .given([asked(1)])
      .when({ type: 'complete', ...answer, cutOff: 'stopped' })
      .thenEmits([
        {
          case: 'answerCompleted',
          value: create(AnswerCompletedSchema, { ...answer, cutOff: 'stopped', turn: 1 }),
        },
      ]));

  it('is refused when no prompt waits', () =>
    spec
      .given([])
      .when({ type: 'complete', ...answer })
      .thenFails('assistant.no_turn_pending'));
});
