// The admins' named system prompts: each save is a new version (old ones stay in the log), a
// change against an older version than the last is told so (409), and one prompt may be the
// children's, applied to every child's conversation. One aggregate for the family: the
// children's choice must name a live prompt, and a family keeps a handful of prompts.
import { create } from '@bufbuild/protobuf';
import { commonErrors } from '../../contracts/errors.ts';
import {
  type AssistantEvent,
  AssistantEventSchema,
  ChildrenPromptSetSchema,
  SystemPromptRemovedSchema,
  SystemPromptSavedSchema,
} from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { assistantErrors } from './errors.ts';
import type { AssistantEventBody } from './state.ts';

/** No words: decisions need only which prompts exist and at which version. */
export type PromptsState = {
  prompts: { id: string; version: number; removed: boolean }[];
  /** The children's prompt's id, '' for none. */
  children: string;
};

export type SavePrompt = {
  type: 'save';
  promptId: string;
  /** 0 creates the prompt; else the version the admin changed. */
  expectedVersion: number;
  name: string;
  text: string;
  by: string;
};
export type RemovePrompt = { type: 'remove'; promptId: string; expectedVersion: number; by: string };
/** promptId '' clears the children's prompt. */
export type SetChildrenPrompt = { type: 'setChildren'; promptId: string; by: string };
export type PromptCommand = SavePrompt | RemovePrompt | SetChildrenPrompt;

export const initialPrompts: PromptsState = { prompts: [], children: '' };

export function evolvePrompts(state: PromptsState, event: AssistantEventBody): PromptsState {
  switch (event.case) {
    case 'systemPromptSaved': {
      const { promptId: id, version } = event.value;
      const others = state.prompts.filter((p) => p.id !== id);
      return { ...state, prompts: [...others, { id, version, removed: false }] };
    }
    case 'systemPromptRemoved':
      return {
        ...state,
        prompts: state.prompts.map((p) => (p.id === event.value.promptId ? { ...p, removed: true } : p)),
      };
    case 'childrenPromptSet':
      return { ...state, children: event.value.promptId };
    default:
      return state;
  }
}

export function decidePrompts(command: PromptCommand, state: PromptsState): AssistantEventBody[] {
  const found = state.prompts.find((p) => p.id === command.promptId);
  const live = found && !found.removed ? found : undefined;
  switch (command.type) {
    case 'save': {
      if (command.expectedVersion === 0 && found)
        throw commonErrors.conflict('A prompt with this id exists already.');
      if (command.expectedVersion !== 0 && !live) throw assistantErrors.noSuchPrompt();
      const version = live?.version ?? 0;
      if (command.expectedVersion !== version) throw stale(version, command.expectedVersion);
      return [
        {
          case: 'systemPromptSaved',
          value: create(SystemPromptSavedSchema, {
            promptId: command.promptId,
            name: command.name,
            text: command.text,
            version: version + 1,
            savedBy: command.by,
          }),
        },
      ];
    }
    case 'remove': {
      if (!live) throw assistantErrors.noSuchPrompt();
      if (command.expectedVersion !== live.version) throw stale(live.version, command.expectedVersion);
      const removed: AssistantEventBody = {
        case: 'systemPromptRemoved',
        value: create(SystemPromptRemovedSchema, {
          promptId: live.id,
          version: live.version,
          removedBy: command.by,
        }),
      };
      return state.children === live.id ? [removed, childrenSet('', command.by)] : [removed];
    }
    case 'setChildren': {
      if (command.promptId !== '' && !live) throw assistantErrors.noSuchPrompt();
      return state.children === command.promptId ? [] : [childrenSet(command.promptId, command.by)];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

const stale = (version: number, expected: number) =>
  commonErrors.conflict(`The prompt is at version ${version}, not ${expected}. Reload it, then change it.`);

const childrenSet = (promptId: string, by: string): AssistantEventBody => ({
  case: 'childrenPromptSet',
  value: create(ChildrenPromptSetSchema, { promptId, setBy: by }),
});

export const promptsAggregate: AggregateType<PromptsState, PromptCommand, AssistantEvent> = {
  domain: 'assistant',
  envelope: AssistantEventSchema,
  subject: (names) => names.assistant.prompts(),
  decider: { initialState: initialPrompts, evolve: evolvePrompts, decide: decidePrompts },
  concurrency: 'optimistic',
  snapshot: true,
};
