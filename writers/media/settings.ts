// The family's media settings: whether children may upload, whether originals lose their
// location. A change carries both values; one that changes nothing appends nothing.
import { create } from '@bufbuild/protobuf';
import {
  type MediaEvent,
  MediaEventSchema,
  MediaSettingsChangedSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import {
  evolveMediaSettings,
  initialMediaSettings,
  type MediaEventBody,
  type MediaSettings,
} from './state.ts';

export type MediaSettingsCommand = {
  type: 'change';
  childrenMayUpload?: boolean | undefined;
  stripLocation?: boolean | undefined;
  by: string;
};

export function decideMediaSettings(command: MediaSettingsCommand, state: MediaSettings): MediaEventBody[] {
  const childrenMayUpload = command.childrenMayUpload ?? state.childrenMayUpload;
  const stripLocation = command.stripLocation ?? state.stripLocation;
  if (childrenMayUpload === state.childrenMayUpload && stripLocation === state.stripLocation) return [];
  return [
    {
      case: 'mediaSettingsChanged',
      value: create(MediaSettingsChangedSchema, { childrenMayUpload, stripLocation, changedBy: command.by }),
    },
  ];
}

export const mediaSettingsAggregate: AggregateType<MediaSettings, MediaSettingsCommand, MediaEvent> = {
  domain: 'media',
  envelope: MediaEventSchema,
  subject: (names) => names.media.settings(),
  decider: { initialState: initialMediaSettings, evolve: evolveMediaSettings, decide: decideMediaSettings },
  concurrency: 'optimistic',
};
