// The type of an upload, judged by its first bytes (file-type's magic numbers), never by the
// client's Content-Type or the file's name: an executable named photo.jpg is an executable.
import { fileTypeFromFile } from 'file-type';
import { ALLOWED_CONTENT_TYPES, type AllowedContentType } from '../../contracts/media.api.ts';
import { uploadErrors } from '../../writers/media/upload-errors.ts';

const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_CONTENT_TYPES);

const isAllowed = (mime: string): mime is AllowedContentType => ALLOWED.has(mime);

export async function sniffType(path: string): Promise<AllowedContentType> {
  const found = await fileTypeFromFile(path);
  if (found && isAllowed(found.mime)) return found.mime;
  throw uploadErrors.typeNotAllowed(undefined, { detected: found?.mime ?? 'unknown' });
}
