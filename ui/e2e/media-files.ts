// Files for the media browser tests, made on the spot: photos (sharp), a short video (ffmpeg
// when the machine has it), an executable renamed as a photo, EICAR's test string, and a file
// past the 10 MB limit.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** EICAR's anti-virus test file: harmless, and every scanner calls it infected. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export type MediaFiles = {
  dir: string;
  photo: (name: string, colour: string) => Promise<string>;
  video: (name: string) => Promise<string | null>;
  renamedExe: string;
  eicar: string;
  tooLarge: string;
  cleanup: () => Promise<void>;
};

export async function makeFiles(): Promise<MediaFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-media-ui-'));
  const at = (name: string) => join(dir, name);
  const photo = async (name: string, colour: string) => {
    const path = at(name);
    await sharp({ create: { width: 320, height: 240, channels: 3, background: colour } })
      .jpeg()
      .toFile(path);
    return path;
  };
  const video = async (name: string) => {
    const path = at(name);
    try {
      await run('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=160x120:rate=5',
        '-t',
        '1',
        '-y',
        path,
      ]);
      return path;
    } catch {
      return null; // no ffmpeg here: the video part of the test is skipped
    }
  };
  // An executable's first bytes ("MZ"), named like a photo: the edge judges by the bytes.
  const renamedExe = at('holiday.jpg');
  await writeFile(
    renamedExe,
    Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(2048, 1)]),
  );
  const eicar = at('eicar.pdf');
  await writeFile(eicar, EICAR);
  // A JPEG's first bytes, then past the limit.
  const tooLarge = at('huge.jpg');
  await writeFile(
    tooLarge,
    Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(11 * 1024 * 1024, 7)]),
  );
  return {
    dir,
    photo,
    video,
    renamedExe,
    eicar,
    tooLarge,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
