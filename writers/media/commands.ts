// The media writer, as the edge calls it: blobs (upload, delete), albums, settings, refused
// uploads and avatars.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { type AlbumCommand, albumAggregate } from './album.ts';
import { type BlobCommand, blobAggregate } from './blob.ts';
import { avatarAggregate, type RejectionCommand, rejectionAggregate } from './records.ts';
import { type MediaSettingsCommand, mediaSettingsAggregate } from './settings.ts';
import type { Blob, MediaSettings } from './state.ts';

export type MediaWriter = ReturnType<typeof createMediaWriter>;

type Without<C, K extends string> = C extends unknown ? Omit<C, K> : never;

export function createMediaWriter({ appender }: { appender: Appender }) {
  return {
    /** The blob as last known (a stale answer costs the upload one retry, never a wrong key). */
    blob: async (sha256: string): Promise<Blob> => (await appender.load(blobAggregate, sha256)).state,
    settings: async (): Promise<MediaSettings> =>
      (await appender.load(mediaSettingsAggregate, 'family')).state,
    onBlob: (command: BlobCommand, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({ type: blobAggregate, id: command.sha256, command, meta }),
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
