// The admins' named system prompts: each save is a new version (old ones stay in the log), a
// change against an older version than the last is told so (409), and one prompt may be the
// children's, applied to every child's conversation. One aggregate for the family: the
// children's choice must name a live prompt, and a family keeps at most MAX_SYSTEM_PROMPTS.
import { create } from '@bufbuild/protobuf';
import { MAX_SYSTEM_PROMPTS } from '../../contracts/assistant.schema.ts';
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

/** No words: decisions need only which prompts are live and at which version. */
export type PromptsState = {
  /** The live prompts (at most MAX_SYSTEM_PROMPTS). */
  prompts: { id: string; version: number }[];
  /** The newest removed prompts' ids, so a late retried create cannot bring one back. */
  removed: string[];
  /** The children's prompt's id, '' for none. */
  children: string;
};

/** How many removed ids the state remembers. */
const REMEMBER_REMOVED = 100;

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

export const initialPrompts: PromptsState = { prompts: [], removed: [], children: '' };

/** A snapshot taken when removed prompts stayed in the list, marked, reads as today's state. */
function current(state: PromptsState): PromptsState {
  if (state.removed) return state;
  const old = state.prompts as { id: string; version: number; removed?: boolean }[];
  return {
    prompts: old.filter((p) => !p.removed).map(({ id, version }) => ({ id, version })),
    removed: old.filter((p) => p.removed).map((p) => p.id),
    children: state.children,
  };
}

export function evolvePrompts(before: PromptsState, event: AssistantEventBody): PromptsState {
  const state = current(before);
  switch (event.case) {
    case 'systemPromptSaved': {
      const { promptId: id, version } = event.value;
      const others = state.prompts.filter((p) => p.id !== id);
      return { ...state, prompts: [...others, { id, version }] };
    }
    case 'systemPromptRemoved': {
      const id = event.value.promptId;
      return {
        ...state,
        prompts: state.prompts.filter((p) => p.id !== id),
        removed: [...state.removed.filter((r) => r !== id), id].slice(-REMEMBER_REMOVED),
      };
    }
    case 'childrenPromptSet':
      return { ...state, children: event.value.promptId };
    default:
      return state;
  }
}

export function decidePrompts(command: PromptCommand, before: PromptsState): AssistantEventBody[] {
  const state = current(before);
  const live = state.prompts.find((p) => p.id === command.promptId);
  switch (command.type) {
    case 'save': {
      if (command.expectedVersion === 0 && (live || state.removed.includes(command.promptId)))
        throw commonErrors.conflict('A prompt with this id exists already.');
      if (command.expectedVersion !== 0 && !live) throw assistantErrors.noSuchPrompt();
      if (!live && state.prompts.length >= MAX_SYSTEM_PROMPTS)
        throw assistantErrors.tooManyPrompts(undefined, { max: MAX_SYSTEM_PROMPTS });
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
      // Removed, but the children's still (a crash between the two appends): finish the removal.
      if (!live && command.promptId !== '' && state.children === command.promptId)
        return [childrenSet('', command.by)];
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
