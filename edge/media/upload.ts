// One upload, from the received temp file to FileUploaded: scanned first (an infected file is
// refused and recorded, nothing stored), typed by its bytes, then stored once per blob. The
// blob aggregate holds the live storage key: an upload reuses it when the bytes are already
// stored, else puts them under a NEW key and appends with the blob's expected sequence. Lost a
// race (someone stored the same bytes meanwhile, or released the key it read): its own put is
// removed and it asks again. Which blob: the bytes as sent, or (when the family strips location
// and the type can carry one) the variant stored without it, so the policy in force now always
// decides what is kept. Temp files are always removed. Bytes put but never referenced (a crash
// between the put and the append, an append whose outcome is unknown) are left to the sweeper
// (projectors/media-sweep).
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { HearthError } from '../../contracts/errors.ts';
import type { AllowedContentType, UploadKind } from '../../contracts/media.api.ts';
import { fileUrl } from '../../projectors/media-files/queries.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import { blobIdOf, thumbnailKey } from '../../writers/media/blob.ts';
import type { BlobStore } from '../../writers/media/blobs.ts';
import type { MediaWriter } from '../../writers/media/commands.ts';
import { type BlobInfo, isLive } from '../../writers/media/state.ts';
import { uploadErrors } from '../../writers/media/upload-errors.ts';
import { newId } from '../../writers/play/ids.ts';
import { makeThumbnail, mayCarryLocation, stripLocation } from './images.ts';
import type { ReceivedFile } from './multipart.ts';
import type { Scanner } from './scanner.ts';
import { sniffType } from './sniff.ts';

const ATTEMPTS = 4;
const IMAGES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export type UploadDeps = {
  writer: MediaWriter;
  store: BlobStore;
  scanner: Scanner;
  logger: Logger;
  /** The ffmpeg to run (posters, video remuxes); 'ffmpeg' on the PATH when absent. */
  ffmpeg?: string | undefined;
};

export type Stored = {
  fileId: string;
  seq: number;
  url: string;
  thumbnailUrl: string;
  contentType: AllowedContentType;
};

/** Another command id for each further append of one request, so none is taken for a retry of another. */
export const partOf = (meta: CommandMeta, part: string): CommandMeta => ({
  ...meta,
  commandId: `${meta.commandId}:${part}`,
});

export async function storeUpload(
  input: { file: ReceivedFile; fileId: string; ownerId: string; stripLocation: boolean; meta: CommandMeta },
  { writer, store, scanner, logger, ffmpeg }: UploadDeps,
): Promise<Stored> {
  const { file, fileId, ownerId, meta } = input;
  const temps = new Set<string>([file.path]);
  try {
    // Before anything reads the bytes as a type: the scanner judges every upload.
    const verdict = await scanner.scan(file.path);
    if (!verdict.clean) {
      await writer.reject(
        {
          rejectionId: newId(),
          ownerId,
          fileName: file.fileName,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          signature: verdict.signature,
          kind: file.kind,
        },
        partOf(meta, 'rejected'),
      );
      logger.warn(
        { owner: ownerId, sha256: file.sha256, signature: verdict.signature },
        'infected upload refused',
      );
      throw uploadErrors.infected(undefined, { signature: verdict.signature });
    }
    const contentType = await sniffType(file.path);
    if (file.kind === 'avatar' && !IMAGES.has(contentType))
      throw uploadErrors.typeNotAllowed('An avatar must be a photo: JPEG, PNG, GIF or WebP.');

    const strip = input.stripLocation && mayCarryLocation(contentType);
    const blobId = blobIdOf(file.sha256, strip);

    // Made at most once, and only when the bytes are not stored yet. An image sharp cannot read
    // is refused here (415), a video without the tools to strip it too (422): nothing is put.
    let prepared: { original: string; thumbnail: string | null; info: BlobInfo } | undefined;
    const prepare = async () => {
      if (prepared) return prepared;
      const stripped = strip
        ? await stripLocation({ path: file.path, contentType, ffmpeg })
        : { path: file.path, sizeBytes: file.sizeBytes };
      temps.add(stripped.path);
      const thumb = await makeThumbnail({ path: stripped.path, contentType, ffmpeg });
      if (thumb.thumbnail) temps.add(thumb.thumbnail.path);
      prepared = {
        original: stripped.path,
        thumbnail: thumb.thumbnail?.path ?? null,
        info: {
          contentType,
          storedBytes: stripped.sizeBytes,
          width: thumb.width ?? 0,
          height: thumb.height ?? 0,
          hasThumbnail: thumb.thumbnail !== null,
          thumbnailNote: thumb.note,
          locationStripped: strip && stripped.path !== file.path,
        },
      };
      return prepared;
    };

    for (let attempt = 1; ; attempt++) {
      const blob = await writer.blob(blobId);
      const reuse = isLive(blob) && blob.key !== null && blob.info !== null;
      let key: string;
      let info: BlobInfo;
      if (reuse && blob.key && blob.info) {
        key = blob.key;
        info = blob.info;
      } else {
        const p = await prepare();
        key = newId();
        // Both at once; nothing points at either yet, so a failure of one removes both.
        const puts = await Promise.allSettled([
          store.put(key, p.original),
          p.thumbnail ? store.put(thumbnailKey(key), p.thumbnail) : Promise.resolve(),
        ]);
        const failed = puts.find((r) => r.status === 'rejected');
        if (failed) {
          await removeKey(store, key).catch(() => undefined);
          throw failed.reason;
        }
        info = p.info;
      }
      try {
        const { seq } = await writer.onBlob(
          {
            type: 'upload',
            fileId,
            sha256: file.sha256,
            blobId,
            ownerId,
            kind: file.kind,
            fileName: file.fileName,
            sizeBytes: file.sizeBytes,
            key,
            info,
          },
          meta,
        );
        const url = fileUrl(fileId);
        return {
          fileId,
          seq,
          url,
          thumbnailUrl: info.hasThumbnail ? `${url}?thumb=1` : '',
          contentType: info.contentType as AllowedContentType,
        };
      } catch (err) {
        // Only a refusal is sure the event is not on the log; after anything else the bytes
        // may be what it points at, so they stay (at worst, unreferenced bytes).
        if (!blobChanged(err)) throw err;
        if (!reuse) await removeKey(store, key);
        if (attempt >= ATTEMPTS) throw err;
      }
    }
  } finally {
    await Promise.all([...temps].map((path) => unlink(path).catch(() => undefined)));
  }
}

function blobChanged(err: unknown): boolean {
  if (!(err instanceof HearthError)) return false;
  return (
    err.code === 'media.blob_changed' ||
    (err.code === 'conflict' && err.details?.reason === 'media.blob_changed')
  );
}

async function removeKey(store: BlobStore, key: string): Promise<void> {
  await store.remove(key);
  await store.remove(thumbnailKey(key));
}

export const maxBytesFor =
  (limits: { maxFileSize: number; maxAvatarSize: number }) =>
  (kind: UploadKind): number =>
    kind === 'avatar' ? limits.maxAvatarSize : limits.maxFileSize;
