// The admins' settings of the assistant: which models each role may ask for, and each
// member's quota. Each change is the whole new set, versioned; an admin who changed an older
// version than the last is told so (409), not silently overwritten.
import { create } from '@bufbuild/protobuf';
import { commonErrors } from '../../contracts/errors.ts';
import {
  type AssistantEvent,
  AssistantEventSchema,
  AssistantSettingsChangedSchema,
  MemberQuotaSchema,
  RoleModelsSchema,
} from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import type { AssistantEventBody } from './state.ts';

export type SettingsState = { version: number };

export type ChangeSettings = {
  type: 'change';
  expectedVersion: number;
  allowedModels: { role: string; models: string[] }[];
  quotas: { memberId: string; tokensPerDay: number; requestsPerMinute: number }[];
};

export function decideSettings(command: ChangeSettings, state: SettingsState): AssistantEventBody[] {
  if (command.expectedVersion !== state.version)
    throw commonErrors.conflict(
      `The settings are at version ${state.version}, not ${command.expectedVersion}.`,
    );
  return [
    {
      case: 'settingsChanged',
      value: create(AssistantSettingsChangedSchema, {
        allowedModels: command.allowedModels.map((r) => create(RoleModelsSchema, r)),
        quotas: command.quotas.map((q) => create(MemberQuotaSchema, q)),
        version: state.version + 1,
      }),
    },
  ];
}

export const settingsAggregate: AggregateType<SettingsState, ChangeSettings, AssistantEvent> = {
  domain: 'assistant',
  envelope: AssistantEventSchema,
  subject: (names) => names.assistant.settings(),
  decider: {
    initialState: { version: 0 },
    evolve: (state, event) => (event.case === 'settingsChanged' ? { version: event.value.version } : state),
    decide: decideSettings,
  },
  concurrency: 'optimistic',
};
