// The family's play settings: the time zone days and weeks are counted in, and the members
// hidden from boards. A change carries the full new values.
import { create } from '@bufbuild/protobuf';
import {
  type PlayEvent,
  PlayEventSchema,
  SettingsChangedSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { playErrors } from './errors.ts';
import { evolveSettings, initialSettings, type PlayEventBody, type Settings } from './state.ts';

export type SettingsCommand = {
  type: 'change';
  timeZone?: string | undefined;
  hiddenMemberIds?: string[] | undefined;
  by: string;
};

/** The zone's canonical name (e.g. 'europe/paris' → 'Europe/Paris'), or a 400 when unknown. */
export function checkedTimeZone(timeZone: string): string {
  if (timeZone.trim() === '') throw playErrors.invalidTimeZone(undefined, { field: 'time_zone' });
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw playErrors.invalidTimeZone(`Not a known IANA time zone: ${timeZone}.`, { field: 'time_zone' });
  }
}

export function decideSettings(command: SettingsCommand, state: Settings): PlayEventBody[] {
  const timeZone = command.timeZone === undefined ? state.timeZone : checkedTimeZone(command.timeZone);
  const hiddenMemberIds =
    command.hiddenMemberIds === undefined
      ? state.hiddenMemberIds
      : [...new Set(command.hiddenMemberIds)].sort();
  if (
    timeZone === state.timeZone &&
    hiddenMemberIds.length === state.hiddenMemberIds.length &&
    hiddenMemberIds.every((id, i) => id === state.hiddenMemberIds[i])
  ) {
    return [];
  }
  const value = create(SettingsChangedSchema, { timeZone, hiddenMemberIds, changedBy: command.by });
  return [{ case: 'settingsChanged', value }];
}

export const settingsAggregate: AggregateType<Settings, SettingsCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names) => names.play.settings(),
  decider: { initialState: initialSettings, evolve: evolveSettings, decide: decideSettings },
  concurrency: 'optimistic',
  snapshot: true,
};
