// Facts that only accumulate, so their decisions read no state: a refused upload (for the
// audit log) and a member's new avatar.
import { create } from '@bufbuild/protobuf';
import {
  AvatarChangedSchema,
  type MediaEvent,
  MediaEventSchema,
  UploadRejectedSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import type { MediaEventBody } from './state.ts';

export type RejectionCommand = {
  type: 'reject';
  rejectionId: string;
  ownerId: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  signature: string;
  kind: string;
};

export const rejectionAggregate: AggregateType<null, RejectionCommand, MediaEvent> = {
  domain: 'media',
  envelope: MediaEventSchema,
  subject: (names, id) => names.media.rejection(id),
  decider: {
    initialState: null,
    evolve: (s) => s,
    decide: (c): MediaEventBody[] => [
      {
        case: 'uploadRejected',
        value: create(UploadRejectedSchema, {
          rejectionId: c.rejectionId,
          ownerId: c.ownerId,
          fileName: c.fileName,
          sizeBytes: BigInt(c.sizeBytes),
          sha256: c.sha256,
          signature: c.signature,
          kind: c.kind,
        }),
      },
    ],
  },
  concurrency: 'none',
};

export type AvatarCommand = { type: 'change'; memberId: string; fileId: string; url: string };

export const avatarAggregate: AggregateType<null, AvatarCommand, MediaEvent> = {
  domain: 'media',
  envelope: MediaEventSchema,
  subject: (names, memberId) => names.media.avatar(memberId),
  decider: {
    initialState: null,
    evolve: (s) => s,
    decide: (c): MediaEventBody[] => [
      {
        case: 'avatarChanged',
        value: create(AvatarChangedSchema, { memberId: c.memberId, fileId: c.fileId, url: c.url }),
      },
    ],
  },
  concurrency: 'none',
};
