// What a member's preferences decisions read: their preferences as they stand, folded from
// PreferencesChanged (each carries only what changed).
import type { EventOf } from '../../contracts/events.ts';
import type { PreferencesEvent } from '../../contracts/gen/hearth/preferences/v1/events_pb.ts';

export type PreferencesEventBody = EventOf<PreferencesEvent>;

export type PreferencesState = {
  theme: string;
  language: string;
  timeZone: string;
  assistantModel: string;
  /**
   * The member's words: undefined when not known, as in a state loaded from a snapshot, which
   * keeps no personal data (personal.proto); a prompt sent then is written whatever it was.
   */
  assistantPrompt: string | undefined;
};

/** Nothing chosen yet: what contracts/preferences.api.ts's DEFAULT_PREFERENCES answers. */
export const initialPreferences: PreferencesState = {
  theme: 'system',
  language: 'en',
  timeZone: '',
  assistantModel: '',
  assistantPrompt: '',
};

export function evolvePreferences(state: PreferencesState, event: PreferencesEventBody): PreferencesState {
  switch (event.case) {
    case 'preferencesChanged': {
      const v = event.value;
      return {
        theme: v.theme ?? state.theme,
        language: v.language ?? state.language,
        timeZone: v.timeZone ?? state.timeZone,
        assistantModel: v.assistantModel ?? state.assistantModel,
        assistantPrompt: v.assistantPrompt ?? state.assistantPrompt,
      };
    }
    default:
      return state;
  }
}

/** What a snapshot keeps: everything but the prompt. */
export const keepPreferences = (state: PreferencesState): PreferencesState => ({
  ...state,
  assistantPrompt: undefined,
});
