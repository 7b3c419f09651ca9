// The blob aggregate: every upload and deletion of one file's bytes, with the storage key
// that holds them. An upload names the key it reuses or the new one it put; the decision
// checks that against the blob as the log has it, so two uploads of the same bytes at once
// end with one key (the loser removes its own put and reuses the winner's). One set of bytes
// received has two blobs: as sent (id: sha256) and with location removed (id: sha256-s), so
// a family that strips location never reuses bytes stored while it did not, and each variant
// is still stored once. The last deletion releases the key in its own event (one publish: no
// crash can leave the release pending).
import { create } from '@bufbuild/protobuf';
import {
  BlobReleasedSchema,
  FileDeletedSchema,
  FileUploadedSchema,
  type MediaEvent,
  MediaEventSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { UploadKind } from '../../contracts/media.api.ts';
import type { AggregateType } from '../log/append.ts';
import { mediaErrors } from './errors.ts';
import {
  type Blob,
  type BlobInfo,
  evolveBlob,
  initialBlob,
  isLive,
  type MediaEventBody,
  pendingRelease,
} from './state.ts';

/** Where a blob's thumbnail is kept, beside its original. */
export const thumbnailKey = (key: string): string => `${key}.thumb`;

/** The blob of these bytes received, as stored: as sent, or with their location removed. */
export const blobIdOf = (sha256: string, stripped: boolean): string => (stripped ? `${sha256}-s` : sha256);

export type BlobCommand =
  | {
      type: 'upload';
      fileId: string;
      /** Of the bytes received. */
      sha256: string;
      /** The aggregate: blobIdOf(sha256, stripped); sha256 when absent. */
      blobId?: string | undefined;
      ownerId: string;
      kind: UploadKind;
      fileName: string;
      sizeBytes: number;
      /** The live key read before (reused, nothing put), or a new key this upload put its bytes under. */
      key: string;
      /** What was stored under a new key; ignored when the live key is reused. */
      info: BlobInfo;
    }
  | {
      type: 'delete';
      fileId: string;
      sha256: string;
      /** The aggregate holding the file; found by the writer when absent. */
      blobId?: string | undefined;
      by: string;
      mayManage: boolean;
    };

/** Pixels the read model can store (Postgres integer); anything else is unknown (0). */
const storable = (pixels: number): number =>
  Number.isInteger(pixels) && pixels > 0 && pixels <= 2_147_483_647 ? pixels : 0;

export function decideBlob(command: BlobCommand, state: Blob): MediaEventBody[] {
  switch (command.type) {
    case 'upload': {
      const live = isLive(state);
      if (
        live ? command.key !== state.key : command.key === state.key || state.released.includes(command.key)
      )
        throw mediaErrors.blobChanged(undefined, { key: live ? state.key : null });
      const info = live && state.info ? state.info : command.info;
      const pending = pendingRelease(state);
      return [
        ...(pending ? [released(command.sha256, pending)] : []),
        {
          case: 'fileUploaded',
          value: create(FileUploadedSchema, {
            fileId: command.fileId,
            sha256: command.sha256,
            storageKey: command.key,
            ownerId: command.ownerId,
            kind: command.kind,
            contentType: info.contentType,
            fileName: command.fileName,
            sizeBytes: BigInt(command.sizeBytes),
            storedBytes: BigInt(info.storedBytes),
            width: storable(info.width),
            height: storable(info.height),
            hasThumbnail: info.hasThumbnail,
            thumbnailNote: info.thumbnailNote,
            stored: !live,
            locationStripped: info.locationStripped,
            blobId: command.blobId ?? command.sha256,
          }),
        },
      ];
    }
    case 'delete': {
      const owner = state.refs[command.fileId];
      if (owner === undefined) {
        // Asked again after only the deletion was written: finish with the release.
        const pending = pendingRelease(state);
        if (pending) return [released(command.sha256, pending)];
        throw mediaErrors.fileNotFound(undefined, { field: 'id' });
      }
      if (owner !== command.by && !command.mayManage) throw mediaErrors.notOwner();
      const last = Object.keys(state.refs).length === 1;
      return [
        {
          case: 'fileDeleted',
          value: create(FileDeletedSchema, {
            fileId: command.fileId,
            sha256: command.sha256,
            deletedBy: command.by,
            releasedKey: last && state.key ? state.key : '',
          }),
        },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

const released = (sha256: string, key: string): MediaEventBody => ({
  case: 'blobReleased',
  value: create(BlobReleasedSchema, { sha256, storageKey: key }),
});

export const blobAggregate: AggregateType<Blob, BlobCommand, MediaEvent> = {
  domain: 'media',
  envelope: MediaEventSchema,
  subject: (names, blobId) => names.media.blob(blobId),
  decider: { initialState: initialBlob, evolve: evolveBlob, decide: decideBlob },
  concurrency: 'optimistic',
};
