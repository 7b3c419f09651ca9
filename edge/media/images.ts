// Thumbnails (sharp; ffmpeg for a video's poster frame) and location stripping of originals.
// Thumbnails are webp, 256 px on the longest edge, EXIF orientation applied, and carry no
// metadata at all: sharp writes none unless asked to keep it. An image that sniffs as an
// allowed type but that sharp cannot decode (a damaged or truncated file, garbage behind a
// magic number) is refused as 415 media.type_not_allowed: it is not the photo it claims to be.
import { stat, unlink } from 'node:fs/promises';
import sharp from 'sharp';
import type { AllowedContentType } from '../../contracts/media.api.ts';
import { uploadErrors } from '../../writers/media/upload-errors.ts';
import { stripLocationBytes } from './location.ts';
import { ffmpegAvailable, isVideo, runFfmpeg, stripVideoLocation } from './video.ts';

export const THUMBNAIL_EDGE = 256;
export const NO_VIDEO_TOOLS_NOTE = 'No video tools on this hub (ffmpeg), so videos have no thumbnail.';
export const UNREADABLE_NOTE = 'This file could not be read to make a thumbnail.';
export const UNREADABLE_IMAGE = 'This photo could not be read; it may be damaged or not a photo at all.';
/** Decoding more pixels than this (a "pixel flood" bomb) is refused: 100 megapixels. */
const MAX_INPUT_PIXELS = 100_000_000;

export type Thumbnail = {
  thumbnail: { path: string; sizeBytes: number } | null;
  width: number | null;
  height: number | null;
  note: string;
};

/** An image's thumbnail, or 415 when sharp cannot read it; a video's poster, or a note why none. */
export async function makeThumbnail(input: {
  path: string;
  contentType: AllowedContentType;
  ffmpeg?: string | undefined;
}): Promise<Thumbnail> {
  const { path, contentType } = input;
  if (contentType === 'application/pdf') return { thumbnail: null, width: null, height: null, note: '' };
  if (contentType === 'video/mp4') return videoThumbnail(path, 'mov', input.ffmpeg);
  if (contentType === 'video/webm') return videoThumbnail(path, 'matroska', input.ffmpeg);
  return readable(() => imageThumbnail(path, `${path}.thumb.webp`));
}

/** sharp's failure to decode is the upload's fault (415); the system's (a full disk) is not. */
async function readable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'string') throw err;
    throw uploadErrors.typeNotAllowed(UNREADABLE_IMAGE);
  }
}

const unreadable = (): Thumbnail => ({ thumbnail: null, width: null, height: null, note: UNREADABLE_NOTE });

/** The first frame only (an animated GIF or WebP becomes a still poster). */
async function imageThumbnail(from: string, to: string): Promise<Thumbnail> {
  const options = { pages: 1, limitInputPixels: MAX_INPUT_PIXELS } as const;
  const meta = await sharp(from, options).metadata();
  const info = await sharp(from, options)
    .rotate()
    .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toFile(to);
  // As the picture is seen: an EXIF-rotated photo's width is its height on disk.
  const shown = meta.autoOrient ?? { width: meta.width, height: meta.height };
  return {
    thumbnail: { path: to, sizeBytes: info.size },
    width: shown.width ?? null,
    height: shown.height ?? null,
    note: '',
  };
}

/** ffmpeg's demuxer for each type: forced, so it never guesses (a playlist, an image sequence). */
type Demuxer = 'mov' | 'matroska';

async function videoThumbnail(path: string, demuxer: Demuxer, ffmpeg = 'ffmpeg'): Promise<Thumbnail> {
  if (!(await ffmpegAvailable(ffmpeg)))
    return { thumbnail: null, width: null, height: null, note: NO_VIDEO_TOOLS_NOTE };
  const poster = `${path}.poster.png`;
  try {
    // The first frame, one thread: a poster should not cost a hub more than a photo does. The
    // demuxer is the sniffed type's and only local files may be opened: an upload is read as
    // what it was judged to be, never as a playlist that fetches something else.
    const ok = await runFfmpeg(ffmpeg, [
      ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1'],
      ...[
        '-protocol_whitelist',
        'file',
        '-f',
        demuxer,
        '-i',
        path,
        '-map',
        '0:v:0',
        '-frames:v',
        '1',
        '-f',
        'image2',
        '-c:v',
        'png',
        '-y',
        poster,
      ],
    ]);
    if (!ok) return unreadable();
    return await imageThumbnail(poster, `${path}.thumb.webp`);
  } catch {
    return unreadable();
  } finally {
    await unlink(poster).catch(() => undefined);
  }
}

/** Whether ffmpeg runs here, asked once per process. */
export const videoPostersAvailable = (ffmpeg?: string): Promise<boolean> => ffmpegAvailable(ffmpeg);

/**
 * An original without its location: the GPS of its EXIF goes, and an XMP packet that repeats
 * it. JPEG, PNG and WebP are edited in their containers, so pixels and every other tag
 * (orientation first) stay exactly as they were. What cannot be edited so (an XMP packet with
 * GPS inside a WebP, a file whose structure this does not follow) is re-encoded by sharp with
 * its orientation applied to the pixels, its ICC profile kept, no other metadata, at high
 * quality (JPEG/WebP 95, PNG lossless). Videos are remuxed without metadata (video.ts). GIFs
 * carry no EXIF and are left as they are, as are PDFs. An image whose structure neither this nor
 * sharp can read is refused (415).
 * Returns a new temp path beside the original, or the same path when there was nothing to strip.
 */
export async function stripLocation(input: {
  path: string;
  contentType: AllowedContentType;
  ffmpeg?: string | undefined;
}): Promise<{ path: string; sizeBytes: number }> {
  const { path, contentType } = input;
  if (isVideo(contentType)) return stripVideoLocation({ path, contentType, ffmpeg: input.ffmpeg });
  if (!mayCarryLocation(contentType)) return { path, sizeBytes: (await stat(path)).size };
  const to = `${path}.stripped`;
  const outcome = await stripLocationBytes({ from: path, to, contentType });
  if (outcome === 'unchanged') return { path, sizeBytes: (await stat(path)).size };
  if (outcome === 'reencode') await readable(() => reencode({ from: path, to, contentType }));
  return { path: to, sizeBytes: (await stat(to)).size };
}

/** The types whose originals can say where they were taken (and so are stripped when asked). */
export function mayCarryLocation(
  contentType: string,
): contentType is 'image/jpeg' | 'image/png' | 'image/webp' | 'video/mp4' | 'video/webm' {
  return (
    contentType === 'image/jpeg' ||
    contentType === 'image/png' ||
    contentType === 'image/webp' ||
    isVideo(contentType)
  );
}

async function reencode(input: {
  from: string;
  to: string;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
}) {
  const image = sharp(input.from, { animated: true, limitInputPixels: MAX_INPUT_PIXELS })
    .autoOrient()
    .keepIccProfile();
  const encoded =
    input.contentType === 'image/jpeg'
      ? image.jpeg({ quality: 95 })
      : input.contentType === 'image/png'
        ? image.png()
        : image.webp({ quality: 95 });
  await encoded.toFile(input.to);
}
