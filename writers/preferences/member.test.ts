import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { PreferencesChangedSchema } from '../../contracts/gen/hearth/preferences/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { preferencesAggregate } from './member.ts';
import type { PreferencesEventBody } from './state.ts';
import { keepPreferences } from './state.ts';

const spec = deciderSpec(preferencesAggregate.decider);
const changed = (value: Omit<Parameters<typeof create<typeof PreferencesChangedSchema>>[1], '$typeName'>) =>
  ({ case: 'preferencesChanged', value: create(PreferencesChangedSchema, value) }) as PreferencesEventBody;

describe('a member changing their preferences', () => {
  it('writes only what they changed', () =>
    spec
      .given([])
      .when({ type: 'change', memberId: 'ann', theme: 'dark', language: 'en', assistantPrompt: 'Be brief.' })
      .thenEmits([changed({ memberId: 'ann', theme: 'dark', assistantPrompt: 'Be brief.' })]));

  it('writes nothing when nothing differs from what they have', () =>
    spec
      .given([changed({ memberId: 'ann', theme: 'dark', timeZone: 'Europe/Berlin' })])
      .when({ type: 'change', memberId: 'ann', theme: 'dark', timeZone: 'Europe/Berlin' })
      .thenNothing());

  it('clears the prompt with an empty one', () =>
    spec
      .given([changed({ memberId: 'ann', assistantPrompt: 'Speak like a pirate.' })])
      .when({ type: 'change', memberId: 'ann', assistantPrompt: '' })
      .thenEmits([changed({ memberId: 'ann', assistantPrompt: '' })]));

  it('goes back to the browser’s time zone with an empty one', () =>
    spec
      .given([changed({ memberId: 'ann', timeZone: 'Asia/Tokyo' })])
      .when({ type: 'change', memberId: 'ann', timeZone: '' })
      .thenEmits([changed({ memberId: 'ann', timeZone: '' })]));

  it('accepts a zone of Intl’s list, and UTC', () => {
    spec
      .given([])
      .when({ type: 'change', memberId: 'ann', timeZone: 'America/New_York' })
      .thenEmits([changed({ memberId: 'ann', timeZone: 'America/New_York' })]);
    spec
      .given([])
      .when({ type: 'change', memberId: 'ann', timeZone: 'UTC' })
      .thenEmits([changed({ memberId: 'ann', timeZone: 'UTC' })]);
  });

  it('refuses a time zone that does not exist', () =>
    spec
      .given([])
      .when({ type: 'change', memberId: 'ann', timeZone: 'Mars/Olympus_Mons' })
      .thenFails('preferences.invalid_time_zone'));

  it('folds each change over the ones before', () => {
    const { evolve, initialState } = preferencesAggregate.decider;
    const state = [
      changed({ memberId: 'ann', theme: 'dark', assistantModel: 'llama3' }),
      changed({ memberId: 'ann', theme: 'light' }),
    ].reduce(evolve, initialState);
    expect(state).toEqual({ ...initialState, theme: 'light', assistantModel: 'llama3' });
  });
});

describe('a snapshot of their preferences', () => {
  it('keeps no prompt, and a prompt sent after one is written whatever it was', () => {
    const { evolve, initialState, decide } = preferencesAggregate.decider;
    const state = keepPreferences(
      [changed({ memberId: 'ann', theme: 'dark', assistantPrompt: 'Be brief.' })].reduce(
        evolve,
        initialState,
      ),
    );
    expect(state.assistantPrompt).toBeUndefined();
    expect(state.theme).toBe('dark');
    expect(
      decide({ type: 'change', memberId: 'ann', theme: 'dark', assistantPrompt: 'Be brief.' }, state),
    ).toEqual([changed({ memberId: 'ann', assistantPrompt: 'Be brief.' })]);
  });
});
