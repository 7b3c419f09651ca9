// The media writer, as the edge calls it: blobs (upload, delete), albums, settings, refused
// uploads and avatars. What an upload decides by (the family's settings) and which variant of
// a blob holds a file are read through the log when it is given (writers/log/read-through.ts):
// the appender's cache is per process, and a setting changed through another edge would
// otherwise never reach this one.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import type { Log } from '../log/open.ts';
import { createReadThrough } from '../log/read-through.ts';
import { type AlbumCommand, albumAggregate } from './album.ts';
import { type BlobCommand, blobAggregate, blobIdOf } from './blob.ts';
import { avatarAggregate, type RejectionCommand, rejectionAggregate } from './records.ts';
import { type MediaSettingsCommand, mediaSettingsAggregate } from './settings.ts';
import type { Blob, MediaSettings } from './state.ts';

export type MediaWriter = ReturnType<typeof createMediaWriter>;

type Without<C, K extends string> = C extends unknown ? Omit<C, K> : never;

export function createMediaWriter({ appender, log }: { appender: Appender; log?: Log | undefined }) {
  const current = log ? createReadThrough({ log }).load : appender.load;

  /** A deletion names the bytes received; the file is in the variant whose references hold it. */
  const blobOfDeletion = async (command: Extract<BlobCommand, { type: 'delete' }>): Promise<string> => {
    if (command.blobId) return command.blobId;
    for (const id of [command.sha256, blobIdOf(command.sha256, true)]) {
      const { state } = await current(blobAggregate, id);
      if (state.refs[command.fileId] !== undefined) return id;
    }
    return command.sha256;
  };

  return {
    /** The blob (by its id: blobIdOf) as last known: a stale answer costs the upload one retry, never a wrong key. */
    blob: async (blobId: string): Promise<Blob> => (await appender.load(blobAggregate, blobId)).state,
    /** The family's media settings as the log has them now. */
    settings: async (): Promise<MediaSettings> => (await current(mediaSettingsAggregate, 'family')).state,
    onBlob: async (command: BlobCommand, meta: CommandMeta): Promise<AppendResult> => {
      const id =
        command.type === 'upload' ? (command.blobId ?? command.sha256) : await blobOfDeletion(command);
      return appender.append({ type: blobAggregate, id, command: { ...command, blobId: id }, meta });
    },
    onAlbum: (command: AlbumCommand, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({ type: albumAggregate, id: command.albumId, command, meta }),
    changeSettings: (
      command: Without<MediaSettingsCommand, 'type'>,
      meta: CommandMeta,
    ): Promise<AppendResult> =>
      appender.append({
        type: mediaSettingsAggregate,
        id: 'family',
        command: { type: 'change', ...command },
        meta,
      }),
    reject: (command: Without<RejectionCommand, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: rejectionAggregate,
        id: command.rejectionId,
        command: { type: 'reject', ...command },
        meta,
      }),
    changeAvatar: (
      command: { memberId: string; fileId: string; url: string },
      meta: CommandMeta,
    ): Promise<AppendResult> =>
      appender.append({
        type: avatarAggregate,
        id: command.memberId,
        command: { type: 'change', ...command },
        meta,
      }),
  };
}
