// Thumbnails (sharp; ffmpeg for a video's poster frame) and location stripping of originals.
// Thumbnails are webp, 256 px on the longest edge, EXIF orientation applied, and carry no
// metadata at all: sharp writes none unless asked to keep it.
import { spawn } from 'node:child_process';
import { stat, unlink } from 'node:fs/promises';
import sharp from 'sharp';
import type { AllowedContentType } from '../../contracts/media.api.ts';
import { stripLocationBytes } from './location.ts';

export const THUMBNAIL_EDGE = 256;
export const NO_VIDEO_TOOLS_NOTE = 'No video tools on this hub (ffmpeg), so videos have no thumbnail.';
export const UNREADABLE_NOTE = 'This file could not be read to make a thumbnail.';
/** A poster frame takes well under a second; a video that keeps ffmpeg longer gets none. */
const FFMPEG_TIMEOUT_MS = 30_000;
/** Decoding more pixels than this (a "pixel flood" bomb) is refused: 100 megapixels. */
const MAX_INPUT_PIXELS = 100_000_000;

export type Thumbnail = {
  thumbnail: { path: string; sizeBytes: number } | null;
  width: number | null;
  height: number | null;
  note: string;
};

export async function makeThumbnail(input: {
  path: string;
  contentType: AllowedContentType;
}): Promise<Thumbnail> {
  const { path, contentType } = input;
  if (contentType === 'application/pdf') return { thumbnail: null, width: null, height: null, note: '' };
  if (contentType === 'video/mp4' || contentType === 'video/webm') return videoThumbnail(path);
  return imageThumbnail(path, `${path}.thumb.webp`).catch(() => unreadable());
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

async function videoThumbnail(path: string): Promise<Thumbnail> {
  if (!(await videoPostersAvailable()))
    return { thumbnail: null, width: null, height: null, note: NO_VIDEO_TOOLS_NOTE };
  const poster = `${path}.poster.png`;
  try {
    // The first frame, one thread: a poster should not cost a hub more than a photo does.
    const ok = await run('ffmpeg', [
      ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1'],
      ...['-i', path, '-map', '0:v:0', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', '-y', poster],
    ]);
    if (!ok) return unreadable();
    return await imageThumbnail(poster, `${path}.thumb.webp`);
  } catch {
    return unreadable();
  } finally {
    await unlink(poster).catch(() => undefined);
  }
}

let ffmpegFound: Promise<boolean> | undefined;

/** Whether ffmpeg runs here, asked once per process. */
export function videoPostersAvailable(): Promise<boolean> {
  ffmpegFound ??= run('ffmpeg', ['-hide_banner', '-version']);
  return ffmpegFound;
}

/** Exit 0 within the time allowed; a missing binary is false, not an error. */
function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), FFMPEG_TIMEOUT_MS);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/**
 * An original without its location: the GPS of its EXIF goes, and an XMP packet that repeats
 * it. JPEG, PNG and WebP are edited in their containers, so pixels and every other tag
 * (orientation first) stay exactly as they were. What cannot be edited so (an XMP packet with
 * GPS inside a WebP, a file whose structure this does not follow) is re-encoded by sharp with
 * its orientation applied to the pixels, its ICC profile kept, no other metadata, at high
 * quality (JPEG/WebP 95, PNG lossless). GIFs carry no EXIF and are left as they are, as are
 * PDFs and videos (whose own location metadata this does not touch).
 * Returns a new temp path beside the original, or the same path when there was nothing to strip.
 */
export async function stripLocation(input: {
  path: string;
  contentType: AllowedContentType;
}): Promise<{ path: string; sizeBytes: number }> {
  const { path, contentType } = input;
  if (contentType !== 'image/jpeg' && contentType !== 'image/png' && contentType !== 'image/webp')
    return { path, sizeBytes: (await stat(path)).size };
  const to = `${path}.stripped`;
  const outcome = await stripLocationBytes({ from: path, to, contentType });
  if (outcome === 'unchanged') return { path, sizeBytes: (await stat(path)).size };
  if (outcome === 'reencode') await reencode({ from: path, to, contentType });
  return { path: to, sizeBytes: (await stat(to)).size };
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
