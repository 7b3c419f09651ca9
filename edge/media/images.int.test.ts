import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLocation } from '../../test/gps.ts';
import { hasGps, orientationOf } from './exif.ts';
import { makeThumbnail, NO_VIDEO_TOOLS_NOTE, stripLocation, videoPostersAvailable } from './images.ts';
import { CANNOT_STRIP_VIDEO } from './video.ts';

const FIXTURES = path.join(import.meta.dirname, '../../test/fixtures/media');
/** Somewhere a family might live: it must never leave the hub in a thumbnail. */
const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '51/1 30/1 2650/100',
  GPSLongitudeRef: 'W',
  GPSLongitude: '0/1 7/1 3920/100',
};
const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.44N" exif:GPSLongitude="0,7.65W"/>' +
  '</rdf:RDF></x:xmpmeta>';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-images-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 400×300 photo, taken with the phone on its side (orientation 6: shown as 300×400), with GPS. */
async function photo(
  name: string,
  format: 'jpeg' | 'png' | 'webp',
  opts: { gps?: boolean; xmp?: boolean } = {},
) {
  let image = sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a7' } })
    .composite([
      { input: { create: { width: 100, height: 50, channels: 3, background: '#f00' } }, left: 0, top: 0 },
    ])
    .toFormat(format, format === 'png' ? {} : { quality: 90 })
    .withExifMerge({ IFD0: { Make: 'Hearth', Model: 'Test' }, ...(opts.gps === false ? {} : { IFD3: GPS }) })
    .withMetadata({ orientation: 6 });
  if (opts.xmp) image = image.withXmp(XMP_WITH_GPS);
  const p = path.join(dir, name);
  await image.toFile(p);
  return p;
}

describe('a thumbnail', () => {
  it('is a webp, 256 px on its longest edge, turned as the photo is shown, with no metadata at all', async () => {
    const original = await photo('gps.jpg', 'jpeg');
    expect(hasGps((await sharp(original).metadata()).exif)).toBe(true);
    expect(await hasLocation(original)).toBe(true);
    const made = await makeThumbnail({ path: original, contentType: 'image/jpeg' });
    expect(made).toMatchObject({ width: 300, height: 400, note: '' });
    if (!made.thumbnail) throw new Error('no thumbnail');
    const meta = await sharp(made.thumbnail.path).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([192, 256]);
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(made.thumbnail.sizeBytes).toBe((await readFile(made.thumbnail.path)).length);
    // The red corner was top-left on disk; turned 90° clockwise it is top-right as shown.
    const { data, info } = await sharp(made.thumbnail.path).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) =>
      data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3);
    expect(at(info.width - 3, 3)[0]).toBeGreaterThan(200);
    expect(at(3, 3)[0]).toBeLessThan(100);
  });

  it('of an animated GIF is a still poster', async () => {
    const frames = await Promise.all(
      ['#f00', '#00f'].map((c) =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: c } })
          .png()
          .toBuffer(),
      ),
    );
    const gif = path.join(dir, 'anim.gif');
    await sharp(frames, { join: { animated: true } })
      .gif()
      .toFile(gif);
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const made = await makeThumbnail({ path: gif, contentType: 'image/gif' });
    expect(made).toMatchObject({ width: 40, height: 30, note: '' });
    const meta = await sharp(made.thumbnail?.path ?? '').metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages ?? 1).toBe(1);
  });

  it('of a PDF is none, with nothing to say', async () => {
    expect(await makeThumbnail({ path: '/dev/null', contentType: 'application/pdf' })).toEqual({
      thumbnail: null,
      width: null,
      height: null,
      note: '',
    });
  });

  it('of a video is its first frame where ffmpeg is, and none said plainly where it is not', async () => {
    const video = path.join(dir, 'clip.mp4');
    await copyFile(path.join(FIXTURES, 'tiny.mp4'), video);
    const made = await makeThumbnail({ path: video, contentType: 'video/mp4' });
    if (!(await videoPostersAvailable())) {
      expect(made).toEqual({ thumbnail: null, width: null, height: null, note: NO_VIDEO_TOOLS_NOTE });
      return;
    }
    expect(made).toMatchObject({ width: 32, height: 24, note: '' });
    expect((await sharp(made.thumbnail?.path ?? '').metadata()).format).toBe('webp');
    const webm = path.join(dir, 'clip.webm');
    await copyFile(path.join(FIXTURES, 'tiny.webm'), webm);
    expect(await makeThumbnail({ path: webm, contentType: 'video/webm' })).toMatchObject({
      width: 32,
      height: 24,
    });
  });

  it.each([
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3])],
    ['image/gif', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(300, 7)])],
  ] as const)('of a %s that only looks like one is refused as not that type (415)', async (type, bytes) => {
    const fake = path.join(dir, 'broken');
    await writeFile(fake, bytes);
    await expect(makeThumbnail({ path: fake, contentType: type })).rejects.toMatchObject({
      status: 415,
      code: 'media.type_not_allowed',
    });
  });

  it('of a truncated PNG is refused (415), though its header reads', async () => {
    const whole = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const cut = path.join(dir, 'cut.png');
    await writeFile(cut, whole.subarray(0, whole.length >> 1));
    await expect(makeThumbnail({ path: cut, contentType: 'image/png' })).rejects.toMatchObject({
      status: 415,
    });
  });
});

const probe = promisify(execFile);
/** Every tag ffprobe (an independent reader) finds in a video: the container's and each stream's. */
async function videoTags(file: string): Promise<string> {
  const { stdout } = await probe('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', file],
  ]);
  return stdout;
}

describe('stripping location from a video original', async () => {
  const tools = await videoPostersAvailable();
  it.skipIf(!tools).each([
    ['located.mp4', 'video/mp4'],
    ['located-mdta.mp4', 'video/mp4'],
    ['located.webm', 'video/webm'],
  ] as const)('remuxes %s without its location, the streams copied', async (name, type) => {
    const original = path.join(dir, name);
    await copyFile(path.join(FIXTURES, name), original);
    expect(await videoTags(original)).toMatch(/48\.858/);
    const stripped = await stripLocation({ path: original, contentType: type });
    expect(stripped.path).not.toBe(original);
    const tags = await videoTags(stripped.path);
    expect(tags).not.toMatch(/48\.858|location|ISO6709/i);
    expect((await readFile(stripped.path)).includes('48.858')).toBe(false);
    // Still the same video: its first frame is a poster as before.
    expect(await makeThumbnail({ path: stripped.path, contentType: type })).toMatchObject({
      width: 32,
      height: 24,
    });
  });

  it('is refused (422) where there is no ffmpeg: nothing keeps a location the family asked to remove', async () => {
    const original = path.join(dir, 'no-tools.mp4');
    await copyFile(path.join(FIXTURES, 'located.mp4'), original);
    await expect(
      stripLocation({ path: original, contentType: 'video/mp4', ffmpeg: path.join(dir, 'no-ffmpeg') }),
    ).rejects.toMatchObject({
      status: 422,
      code: 'media.cannot_strip_location',
      message: CANNOT_STRIP_VIDEO,
    });
  });

  it.skipIf(!tools)('refuses (415) a file that only looks like a video', async () => {
    const fake = path.join(dir, 'fake.mp4');
    const real = await readFile(path.join(FIXTURES, 'tiny.mp4'));
    await writeFile(fake, Buffer.concat([real.subarray(0, 32), Buffer.alloc(400, 0x55)]));
    await expect(stripLocation({ path: fake, contentType: 'video/mp4' })).rejects.toMatchObject({
      status: 415,
    });
  });
});

describe('stripping location from an original', () => {
  it('removes GPS from a JPEG, keeping its orientation, its other tags and its pixels exactly', async () => {
    const original = await photo('strip.jpg', 'jpeg');
    const stripped = await stripLocation({ path: original, contentType: 'image/jpeg' });
    expect(stripped.path).not.toBe(original);
    const before = await sharp(original).metadata();
    const after = await sharp(stripped.path).metadata();
    expect(hasGps(after.exif)).toBe(false);
    expect(await hasLocation(stripped.path)).toBe(false);
    expect(orientationOf(after.exif)).toBe(6);
    expect(after.orientation).toBe(6);
    expect(after.exif?.toString('latin1')).toContain('Hearth');
    // Same size, same compressed picture: only EXIF bytes changed.
    const [a, b] = [await readFile(original), await readFile(stripped.path)];
    expect(b.length).toBe(a.length);
    expect(stripped.sizeBytes).toBe(b.length);
    const diff = [...a.keys()].filter((i) => a[i] !== b[i]);
    const exifEnd = a.indexOf(Buffer.from([0xff, 0xdb]));
    expect(diff.every((i) => i < exifEnd)).toBe(true);
    expect([after.width, after.height]).toEqual([before.width, before.height]);
  });

  it('drops an XMP packet that repeats the position', async () => {
    const original = await photo('xmp.jpg', 'jpeg', { xmp: true });
    expect((await sharp(original).metadata()).xmp?.toString()).toContain('GPSLatitude');
    const stripped = await stripLocation({ path: original, contentType: 'image/jpeg' });
    const after = await sharp(stripped.path).metadata();
    expect(after.xmp).toBeUndefined();
    expect(hasGps(after.exif)).toBe(false);
    expect(await hasLocation(stripped.path)).toBe(false);
    expect(after.orientation).toBe(6);
  });

  it.each(['png', 'webp'] as const)('removes GPS from a %s, in its container', async (format) => {
    const original = await photo(`strip.${format}`, format);
    expect(hasGps((await sharp(original).metadata()).exif)).toBe(true);
    expect(await hasLocation(original)).toBe(true);
    const stripped = await stripLocation({ path: original, contentType: `image/${format}` });
    expect(stripped.path).not.toBe(original);
    const after = await sharp(stripped.path).metadata();
    expect(hasGps(after.exif)).toBe(false);
    expect(await hasLocation(stripped.path)).toBe(false);
    expect(after.orientation).toBe(6);
    // the picture still decodes, identical
    const [pa, pb] = await Promise.all([original, stripped.path].map((p) => sharp(p).raw().toBuffer()));
    expect(pb?.equals(pa as Buffer)).toBe(true);
  });

  it('re-encodes a WebP whose XMP names the position, the picture turned upright', async () => {
    const original = await photo('xmp.webp', 'webp', { xmp: true });
    const stripped = await stripLocation({ path: original, contentType: 'image/webp' });
    const after = await sharp(stripped.path).metadata();
    expect(after.xmp).toBeUndefined();
    expect(hasGps(after.exif)).toBe(false);
    expect(await hasLocation(stripped.path)).toBe(false);
    expect([after.width, after.height]).toEqual([300, 400]);
  });

  it('leaves a photo without a location, and a GIF, as they are', async () => {
    const plain = await photo('plain.jpg', 'jpeg', { gps: false });
    expect((await stripLocation({ path: plain, contentType: 'image/jpeg' })).path).toBe(plain);
    const gif = path.join(dir, 'still.gif');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .gif()
      .toFile(gif);
    const same = await stripLocation({ path: gif, contentType: 'image/gif' });
    expect(same).toEqual({ path: gif, sizeBytes: (await readFile(gif)).length });
  });
});
