// Files attached to a message. Media owns the files; a post carries a snapshot of each, taken
// from the media read model when it is posted, so history renders without asking media again.
// The decider checks the snapshots it is given; the edge looks them up (LookupFiles).
import { create } from '@bufbuild/protobuf';
import type { ChatAttachment } from '../../contracts/chat.api.ts';
import { type Attachment, AttachmentSchema } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { chatErrors } from './errors.ts';

export const MAX_ATTACHMENTS = 10;

/** A file as media describes it, for the checks a post makes and the snapshot it keeps. */
export type AttachedFile = {
  id: string;
  ownerId: string;
  deleted: boolean;
  contentType: string;
  fileName: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
};

/** The files media knows among these ids; an id it does not know is absent from the map. */
export type LookupFiles = (ids: readonly string[]) => Promise<ReadonlyMap<string, AttachedFile>>;

/** Before media is wired in: no file is known, so every attachment is refused. */
export const noFiles: LookupFiles = async () => new Map();

/**
 * The snapshots a post by `senderId` carries: each id at most once, at most ten, each a file
 * that exists, is not deleted and was uploaded by the sender. One answer for every refusal,
 * so no one learns whether someone else's file id exists.
 */
export function attachmentsFor(
  ids: readonly string[],
  files: ReadonlyMap<string, AttachedFile>,
  senderId: string,
): Attachment[] {
  if (ids.length > MAX_ATTACHMENTS) throw chatErrors.tooManyAttachments();
  if (new Set(ids).size !== ids.length) throw chatErrors.badAttachment('A file is attached twice.');
  return ids.map((id) => {
    const file = files.get(id);
    if (!file || file.deleted || file.ownerId !== senderId) throw chatErrors.badAttachment();
    return snapshot(file);
  });
}

export const snapshot = (file: AttachedFile): Attachment =>
  create(AttachmentSchema, {
    fileId: file.id,
    contentType: file.contentType,
    fileName: file.fileName,
    sizeBytes: BigInt(file.sizeBytes),
    width: file.width ?? 0,
    height: file.height ?? 0,
    hasThumbnail: file.hasThumbnail,
  });

/** What the chat read model stores per attachment (jsonb): the event's snapshot, in JSON. */
export type StoredAttachment = {
  id: string;
  content_type: string;
  file_name: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  has_thumbnail: boolean;
};

export const storedAttachment = (a: Attachment): StoredAttachment => ({
  id: a.fileId,
  content_type: a.contentType,
  file_name: a.fileName,
  size_bytes: Number(a.sizeBytes),
  width: a.width || null,
  height: a.height || null,
  has_thumbnail: a.hasThumbnail,
});

/**
 * The attachment as the API and the socket show it. Built field by field in one order, so the
 * history page read from Postgres (jsonb reorders keys) and the one kept in memory are the
 * same bytes, and so are the POST answer and the socket frame.
 */
export function chatAttachment(a: StoredAttachment): ChatAttachment {
  const url = `/api/v1/files/${encodeURIComponent(a.id)}/download`;
  return {
    id: a.id,
    url,
    thumbnail_url: a.has_thumbnail ? `${url}?thumb=1` : '',
    content_type: a.content_type,
    file_name: a.file_name,
    size_bytes: a.size_bytes,
    width: a.width,
    height: a.height,
  };
}
