// ffmpeg, for videos: whether it runs here, and a video original without its location. Phones
// write where a video was taken into its container's metadata (MP4's udta ©xyz or mdta keys,
// Matroska/WebM's LOCATION tag); a remux with no metadata copied drops all of it while the
// audio and video streams are copied bit for bit.
import { spawn } from 'node:child_process';
import { stat, unlink } from 'node:fs/promises';
import { uploadErrors } from '../../writers/media/upload-errors.ts';

/** A poster or a remux takes well under a second; a video that keeps ffmpeg longer gets none. */
const FFMPEG_TIMEOUT_MS = 30_000;

export const CANNOT_STRIP_VIDEO =
  "This hub can't remove location from videos; ask an admin to install ffmpeg or turn off location stripping.";
export const UNREADABLE_VIDEO = 'This video could not be read; it may be damaged.';

/** ffmpeg's demuxer and muxer for each type: forced, so it never guesses (a playlist, an image sequence). */
export const FORMATS = {
  'video/mp4': { demuxer: 'mov', muxer: 'mp4' },
  'video/webm': { demuxer: 'matroska', muxer: 'webm' },
} as const;
export type VideoType = keyof typeof FORMATS;

export const isVideo = (contentType: string): contentType is VideoType => contentType in FORMATS;

const found = new Map<string, Promise<boolean>>();

/** Whether this ffmpeg runs here, asked once per process. */
export function ffmpegAvailable(ffmpeg = 'ffmpeg'): Promise<boolean> {
  let known = found.get(ffmpeg);
  if (!known) {
    known = runFfmpeg(ffmpeg, ['-hide_banner', '-version']);
    found.set(ffmpeg, known);
  }
  return known;
}

/**
 * The video as received, remuxed with no metadata (global, per stream, chapters) and without
 * data tracks (Apple's timed metadata may carry a location; the mp4 muxer cannot copy most of
 * them anyway). Only local files may be opened, read with the sniffed type's demuxer. Without
 * ffmpeg this is refused (422 media.cannot_strip_location): a family that asked for location to
 * be removed never gets a video that kept it. A file ffmpeg cannot remux is refused as
 * unreadable (415). Returns a new temp path beside the original.
 */
export async function stripVideoLocation(input: {
  path: string;
  contentType: VideoType;
  ffmpeg?: string | undefined;
}): Promise<{ path: string; sizeBytes: number }> {
  const ffmpeg = input.ffmpeg ?? 'ffmpeg';
  if (!(await ffmpegAvailable(ffmpeg))) throw uploadErrors.cannotStripLocation(CANNOT_STRIP_VIDEO);
  const { demuxer, muxer } = FORMATS[input.contentType];
  const to = `${input.path}.stripped`;
  const ok = await runFfmpeg(ffmpeg, [
    ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1'],
    ...['-protocol_whitelist', 'file', '-f', demuxer, '-i', input.path],
    ...['-map', '0', '-map', '-0:d?', '-map_metadata', '-1', '-map_chapters', '-1', '-c', 'copy'],
    ...['-fflags', '+bitexact', '-f', muxer, '-y', to],
  ]);
  if (!ok) {
    await unlink(to).catch(() => undefined);
    throw uploadErrors.typeNotAllowed(UNREADABLE_VIDEO);
  }
  return { path: to, sizeBytes: (await stat(to)).size };
}

/** Exit 0 within the time allowed; a missing binary is false, not an error. */
export function runFfmpeg(command: string, args: string[]): Promise<boolean> {
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
