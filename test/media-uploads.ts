// Uploads for int tests that drive the media writer directly (no HTTP, no scanner): an
// accepted upload of the bytes numbered `n`, so two uploads with the same `n` share a blob.
// (test/media-family.ts is the e2e counterpart, over a whole hub.)
import type { AttachedFile } from '../writers/chat/attachments.ts';
import type { AppendResult, CommandMeta } from '../writers/log/append.ts';
import type { BlobStore } from '../writers/media/blobs.ts';
import type { MediaWriter } from '../writers/media/commands.ts';

export type TestUploadKind = 'photo' | 'attachment' | 'avatar';

const IMAGE = { contentType: 'image/jpeg', width: 8, height: 8, hasThumbnail: true };

/**
 * Appends the upload of `fileId` by `owner`: sha256 and storage key derive from `n`. With
 * `bytes`, the key and its thumbnail are put in the store first (once per key) from that file.
 * Answers the append and the file as the chat writer's lookup knows it.
 */
export async function uploadFile({
  media,
  fileId,
  owner,
  n,
  kind,
  fileName = `${fileId}.jpg`,
  sizeBytes = 5,
  meta,
  bytes,
}: {
  media: MediaWriter;
  fileId: string;
  owner: string;
  n: number;
  kind: TestUploadKind;
  fileName?: string;
  sizeBytes?: number;
  meta: CommandMeta;
  bytes?: { store: BlobStore; path: string };
}): Promise<AppendResult & { file: AttachedFile }> {
  const key = `key-${n}`;
  if (bytes && !(await bytes.store.has(key))) {
    await bytes.store.put(key, bytes.path);
    await bytes.store.put(`${key}.thumb`, bytes.path);
  }
  const appended = await media.onBlob(
    {
      type: 'upload',
      fileId,
      sha256: n.toString(16).padStart(64, '0'),
      ownerId: owner,
      kind,
      fileName,
      sizeBytes,
      key,
      info: { ...IMAGE, storedBytes: sizeBytes, thumbnailNote: '', locationStripped: false },
    },
    meta,
  );
  const file = { id: fileId, ownerId: owner, deleted: false, fileName, sizeBytes, ...IMAGE };
  return { ...appended, file };
}
