// One member's preferences: they change what they send, and only what differs from what they
// had is written. The shapes were checked at the edge (contracts/preferences.schema.ts); the
// time zone's existence is checked here, against Intl's list (zones.ts).
import { create } from '@bufbuild/protobuf';
import {
  PreferencesChangedSchema,
  type PreferencesEvent,
  PreferencesEventSchema,
} from '../../contracts/gen/hearth/preferences/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { preferencesErrors } from './errors.ts';
import {
  evolvePreferences,
  initialPreferences,
  keepPreferences,
  type PreferencesEventBody,
  type PreferencesState,
} from './state.ts';
import { canonicalTimeZone } from './zones.ts';

export type ChangePreferences = {
  type: 'change';
  memberId: string;
  theme?: string | undefined;
  language?: string | undefined;
  timeZone?: string | undefined;
  assistantModel?: string | undefined;
  assistantPrompt?: string | undefined;
};

export type PreferencesCommand = ChangePreferences;

const FIELDS = ['theme', 'language', 'timeZone', 'assistantModel', 'assistantPrompt'] as const;

export function decidePreferences(
  command: PreferencesCommand,
  state: PreferencesState,
): PreferencesEventBody[] {
  switch (command.type) {
    case 'change': {
      let timeZone = command.timeZone;
      if (timeZone !== undefined) {
        timeZone = canonicalTimeZone(timeZone);
        if (timeZone === undefined)
          throw preferencesErrors.invalidTimeZone(`Not a time zone: ${command.timeZone}.`, {
            field: 'time_zone',
          });
      }
      const wanted = { ...command, timeZone };
      const changed: Partial<Record<(typeof FIELDS)[number], string>> = {};
      for (const field of FIELDS) {
        const value = wanted[field];
        if (value !== undefined && value !== state[field]) changed[field] = value;
      }
      if (Object.keys(changed).length === 0) return [];
      return [
        {
          case: 'preferencesChanged',
          value: create(PreferencesChangedSchema, { memberId: command.memberId, ...changed }),
        },
      ];
    }
    default: {
      const never: never = command.type;
      return never;
    }
  }
}

export const preferencesAggregate: AggregateType<PreferencesState, PreferencesCommand, PreferencesEvent> = {
  domain: 'preferences',
  envelope: PreferencesEventSchema,
  subject: (names, id) => names.preferences.member(id),
  decider: { initialState: initialPreferences, evolve: evolvePreferences, decide: decidePreferences },
  concurrency: 'optimistic',
  keep: keepPreferences,
};
