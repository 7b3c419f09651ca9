// What the media screens say: the upload errors in plain words (chat's attachments reuse
// them), sizes, and the gallery's months.
import type { MediaStatus, UploadKind } from '../../../contracts/media.api.ts';
import { ApiError, errorMessage } from '../lib/http.ts';
import { isAbort } from './upload.ts';

const MB = 1024 * 1024;

/** 1.4 MB, 820 KB, 12 bytes. */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${trim(bytes / MB)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

const trim = (n: number) => (n >= 10 ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, ''));

/** The size limit for this kind of upload, from /media/status (10 MB and 2 MB by default). */
export function limitFor(
  kind: UploadKind,
  status: Pick<MediaStatus, 'max_file_size' | 'max_avatar_size'> | null,
) {
  if (kind === 'avatar') return status?.max_avatar_size ?? 2 * MB;
  return status?.max_file_size ?? 10 * MB;
}

/** The edge's codes are `media.<name>`; seed 001's clients also met bare ones ("infected"). */
const codeOf = (err: ApiError) => err.code.replace(/^media\./, '');

export const SCANNER_OFF =
  'Uploads are off until the virus scanner runs. An admin can start it (ClamAV’s clamd) and tell Hearth where it is (CLAMD_URL).';

/**
 * Why an upload did not happen, in words for the person who tried. `limit` is the size limit
 * that applied (limitFor), `scannerNote` the hub's own words from /media/status. null for a
 * cancel, which needs no message.
 */
export function uploadErrorMessage(
  err: unknown,
  { limit, scannerNote }: { limit: number; scannerNote?: string | undefined },
): string | null {
  if (isAbort(err)) return null;
  if (!(err instanceof ApiError)) return errorMessage(err);
  const code = codeOf(err);
  if (code === 'too_large' || err.status === 413)
    return `This file is too large to share: the limit is ${formatSize(limit)}.`;
  if (code === 'type_not_allowed' || err.status === 415)
    return 'This kind of file can’t be shared. Photos (JPEG, PNG, GIF, WebP), videos (MP4, WebM) and PDFs can.';
  if (code === 'infected' || err.status === 422) return 'It looks like a virus, so it wasn’t shared.';
  if (code === 'scanner_unavailable' || err.status === 503) return scannerNote || SCANNER_OFF;
  if (code === 'children_may_not_upload')
    return 'Children can’t share files unless an admin allows it in the family settings.';
  return err.message;
}

const MONTH = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

/** Files in the order given (newest first), grouped by the month they were shared in. */
export function byMonth<T extends { created_at: string }>(
  files: readonly T[],
): { key: string; label: string; files: T[] }[] {
  const groups: { key: string; label: string; files: T[] }[] = [];
  for (const f of files) {
    const at = new Date(f.created_at);
    const key = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}`;
    const last = groups.at(-1);
    if (last?.key === key) last.files.push(f);
    else groups.push({ key, label: MONTH.format(at), files: [f] });
  }
  return groups;
}

export type Shown = 'image' | 'video' | 'pdf';

/** How a file shows: as a picture, a video or a document link. */
export function shownAs(contentType: string): Shown {
  if (contentType.startsWith('video/')) return 'video';
  if (contentType === 'application/pdf') return 'pdf';
  return 'image';
}
