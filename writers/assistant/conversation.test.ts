import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
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
  turn: 1,
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
        turn: 1,
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
        turn: 2,
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
        turn: 2,
      })
      .thenFails('assistant.not_yours'));

  it('refuses a prompt for a turn another prompt took first (two tabs at once)', () =>
    spec
      .given([asked(1)])
      .when({
        type: 'submit',
        conversationId: 'c1',
        memberId: 'ann',
        role: 'member',
        model: 'm',
        prompt: 'hi',
        turn: 1,
      })
      .thenFails('assistant.turn_taken'));
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

  const done = (turn: number): AssistantEventBody => ({
    case: 'answerCompleted',
    value: create(AnswerCompletedSchema, { ...answer, turn }),
  });

  it('closes its own turn when two prompts are in flight, whichever ends first', () =>
    spec
      .given([asked(1), asked(2), done(2)])
      .when({ type: 'complete', ...answer, turn: 1 })
      .thenEmits([done(1)]));

  it('is refused for a turn already answered, or one never asked', () => {
    spec
      .given([asked(1), asked(2), done(2)])
      .when({ type: 'complete', ...answer, turn: 2 })
      .thenFails('assistant.no_turn_pending');
    spec
      .given([asked(1)])
      .when({ type: 'complete', ...answer, turn: 2 })
      .thenFails('assistant.no_turn_pending');
  });
});

describe('whether a prompt’s subject is loaded before its append', () => {
  const submit = (over: { turn?: number; fresh?: boolean }) => ({
    type: 'submit' as const,
    conversationId: 'c1',
    memberId: 'ann',
    role: 'member',
    model: 'm',
    prompt: 'hi',
    turn: 1,
    ...over,
  });
  it('is skipped only for the first prompt under an id the edge generated', () => {
    expect(conversationAggregate.expectsNew?.(submit({ fresh: true }))).toBe(true);
    expect(conversationAggregate.expectsNew?.(submit({}))).toBe(false);
    expect(conversationAggregate.expectsNew?.(submit({ fresh: false }))).toBe(false);
    expect(conversationAggregate.expectsNew?.(submit({ fresh: true, turn: 2 }))).toBe(false);
  });

  it('keeps `fresh` out of the event', () =>
    spec
      .given([])
      .when(submit({ fresh: true }))
      .thenEmits([asked(1)]));
});
