import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { MAX_SYSTEM_PROMPTS } from '../../contracts/assistant.schema.ts';
import {
  ChildrenPromptSetSchema,
  SystemPromptRemovedSchema,
  SystemPromptSavedSchema,
} from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { type PromptsState, promptsAggregate } from './prompts.ts';
import type { AssistantEventBody } from './state.ts';

const spec = deciderSpec(promptsAggregate.decider);
const saved = (version: number, promptId = 'p1', text = `v${version}`): AssistantEventBody => ({
  case: 'systemPromptSaved',
  value: create(SystemPromptSavedSchema, { promptId, name: 'Kind', text, version, savedBy: 'admin' }),
});
const removed = (version: number, promptId = 'p1'): AssistantEventBody => ({
  case: 'systemPromptRemoved',
  value: create(SystemPromptRemovedSchema, { promptId, version, removedBy: 'admin' }),
});
const children = (promptId: string): AssistantEventBody => ({
  case: 'childrenPromptSet',
  value: create(ChildrenPromptSetSchema, { promptId, setBy: 'admin' }),
});
const save = (expectedVersion: number, promptId = 'p1') => ({
  type: 'save' as const,
  promptId,
  expectedVersion,
  name: 'Kind',
  text: `v${expectedVersion + 1}`,
  by: 'admin',
});

describe('an admin saving a system prompt', () => {
  it('creates it at version 1', () =>
    spec
      .given([])
      .when(save(0))
      .thenEmits([saved(1)]));

  it('saves each change as the next version', () =>
    spec
      .given([saved(1), saved(2)])
      .when(save(2))
      .thenEmits([saved(3)]));

  it('refuses a change against an older version than the last', () =>
    spec
      .given([saved(1), saved(2)])
      .when(save(1))
      .thenFails('conflict'));

  it('refuses to create a prompt whose id exists', () =>
    spec
      .given([saved(1)])
      .when(save(0))
      .thenFails('conflict'));

  it('refuses to change a prompt that does not exist or was removed', () => {
    spec.given([]).when(save(1)).thenFails('assistant.no_such_prompt');
    spec
      .given([saved(1), removed(1)])
      .when(save(1))
      .thenFails('assistant.no_such_prompt');
  });
});

describe('an admin removing a system prompt', () => {
  it('removes it at its current version', () =>
    spec
      .given([saved(1), saved(2)])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 2, by: 'admin' })
      .thenEmits([removed(2)]));

  it('refuses a stale version', () =>
    spec
      .given([saved(1), saved(2)])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 1, by: 'admin' })
      .thenFails('conflict'));

  it('refuses one already removed', () =>
    spec
      .given([saved(1), removed(1)])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 1, by: 'admin' })
      .thenFails('assistant.no_such_prompt'));

  it('leaves the children without a prompt when it was theirs', () =>
    spec
      .given([saved(1), children('p1')])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 1, by: 'admin' })
      .thenEmits([removed(1), children('')]));
});

describe("an admin choosing the children's prompt", () => {
  it('chooses a live prompt', () =>
    spec
      .given([saved(1), saved(1, 'p2')])
      .when({ type: 'setChildren', promptId: 'p2', by: 'admin' })
      .thenEmits([children('p2')]));

  it('clears it', () =>
    spec
      .given([saved(1), children('p1')])
      .when({ type: 'setChildren', promptId: '', by: 'admin' })
      .thenEmits([children('')]));

  it('writes nothing when it is already the one', () =>
    spec
      .given([saved(1), children('p1')])
      .when({ type: 'setChildren', promptId: 'p1', by: 'admin' })
      .thenNothing());

  it('refuses a prompt that does not exist or was removed', () => {
    spec
      .given([])
      .when({ type: 'setChildren', promptId: 'p1', by: 'admin' })
      .thenFails('assistant.no_such_prompt');
    spec
      .given([saved(1), removed(1)])
      .when({ type: 'setChildren', promptId: 'p1', by: 'admin' })
      .thenFails('assistant.no_such_prompt');
  });
});

describe('a removal cut short between its two events', () => {
  it('finishes when retried: the children are left without the removed prompt', () =>
    spec
      .given([saved(1), children('p1'), removed(1)])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 1, by: 'admin' })
      .thenEmits([children('')]));

  it('is done once the children are cleared', () =>
    spec
      .given([saved(1), children('p1'), removed(1), children('')])
      .when({ type: 'remove', promptId: 'p1', expectedVersion: 1, by: 'admin' })
      .thenFails('assistant.no_such_prompt'));
});

describe('how many prompts a family keeps', () => {
  const ids = Array.from({ length: MAX_SYSTEM_PROMPTS }, (_, i) => `p${i}`);
  const full = ids.map((id) => saved(1, id));

  it(`refuses a create past ${MAX_SYSTEM_PROMPTS} live prompts`, () =>
    spec.given(full).when(save(0, 'new')).thenFails('assistant.too_many_prompts'));

  it('still saves a new version of one when full', () =>
    spec
      .given(full)
      .when(save(1, 'p3'))
      .thenEmits([saved(2, 'p3')]));

  it('creates again once one is removed', () =>
    spec
      .given([...full, removed(1, 'p0')])
      .when(save(0, 'new'))
      .thenEmits([saved(1, 'new')]));

  it('keeps no removed prompt in its list, and refuses to bring one back by its id', () => {
    const { initialState, evolve } = promptsAggregate.decider;
    const state = [saved(1), saved(1, 'p2'), removed(1)].reduce(evolve, initialState);
    expect(state.prompts).toEqual([{ id: 'p2', version: 1 }]);
    spec
      .given([saved(1), removed(1)])
      .when(save(0))
      .thenFails('conflict');
  });

  it('reads a snapshot that kept removed prompts, marked', () => {
    const old = {
      prompts: [
        { id: 'p1', version: 2, removed: true },
        { id: 'p2', version: 1, removed: false },
      ],
      children: '',
    };
    const state = promptsAggregate.decider.evolve(old as unknown as PromptsState, children('p2'));
    expect(state).toEqual({ prompts: [{ id: 'p2', version: 1 }], removed: ['p1'], children: 'p2' });
    expect(() => promptsAggregate.decider.decide(save(2), old as unknown as PromptsState)).toThrow(
      /no such/i,
    );
  });
});
