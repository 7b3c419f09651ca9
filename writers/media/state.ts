// What media decisions read: one state per aggregate, folded from its own subject's events.
// Plain records, arrays and numbers only, so states can be kept as JSON.
import type { EventOf } from '../../contracts/events.ts';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';

export type MediaEventBody = EventOf<MediaEvent>;

/** What the stored bytes are, kept so that a later upload of the same bytes reuses it all. */
export type BlobInfo = {
  contentType: string;
  storedBytes: number;
  width: number;
  height: number;
  hasThumbnail: boolean;
  thumbnailNote: string;
  locationStripped: boolean;
};

/**
 * One blob (the bytes with one SHA-256): the storage key holding them and the uploads that
 * point at them. Live while it has references. `released` lists every key given up: a key is
 * never used again, so a late removal of released bytes cannot hit a newer upload's.
 */
export type Blob = {
  key: string | null;
  /** file id → owner id. */
  refs: Record<string, string>;
  released: string[];
  info: BlobInfo | null;
};
export const initialBlob: Blob = { key: null, refs: {}, released: [], info: null };

export const isLive = (blob: Blob): boolean => blob.key !== null && Object.keys(blob.refs).length > 0;

/** The key's last reference went, but its release is not on the log yet (a crash in between). */
export const pendingRelease = (blob: Blob): string | null =>
  blob.key !== null && !isLive(blob) && !blob.released.includes(blob.key) ? blob.key : null;

export function evolveBlob(state: Blob, event: MediaEventBody): Blob {
  switch (event.case) {
    case 'fileUploaded': {
      const v = event.value;
      return {
        ...state,
        key: v.storageKey,
        refs: { ...state.refs, [v.fileId]: v.ownerId },
        info: {
          contentType: v.contentType,
          storedBytes: Number(v.storedBytes),
          width: v.width,
          height: v.height,
          hasThumbnail: v.hasThumbnail,
          thumbnailNote: v.thumbnailNote,
          locationStripped: v.locationStripped,
        },
      };
    }
    case 'fileDeleted': {
      const refs = { ...state.refs };
      delete refs[event.value.fileId];
      const deleted = { ...state, refs };
      return event.value.releasedKey ? release(deleted, event.value.releasedKey) : deleted;
    }
    case 'blobReleased':
      return release(state, event.value.storageKey);
    default:
      return state;
  }
}

/** The key is given up for good: never live again, never used again. */
const release = (state: Blob, key: string): Blob => ({
  ...state,
  key: state.key === key ? null : state.key,
  released: state.released.includes(key) ? state.released : [...state.released, key],
});

export type MediaSettings = { childrenMayUpload: boolean; stripLocation: boolean };
export const initialMediaSettings: MediaSettings = { childrenMayUpload: false, stripLocation: true };

export function evolveMediaSettings(state: MediaSettings, event: MediaEventBody): MediaSettings {
  if (event.case !== 'mediaSettingsChanged') return state;
  return { childrenMayUpload: event.value.childrenMayUpload, stripLocation: event.value.stripLocation };
}

export type Album = { exists: boolean; files: string[] };
export const initialAlbum: Album = { exists: false, files: [] };

export function evolveAlbum(state: Album, event: MediaEventBody): Album {
  switch (event.case) {
    case 'albumCreated':
      return { ...state, exists: true };
    case 'albumFileAdded':
      return state.files.includes(event.value.fileId)
        ? state
        : { ...state, files: [...state.files, event.value.fileId] };
    case 'albumFileRemoved':
      return { ...state, files: state.files.filter((f) => f !== event.value.fileId) };
    default:
      return state;
  }
}
