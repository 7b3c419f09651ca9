// Location over a whole hub: stripped from a photo's original while the family asks, never
// kept in a thumbnail, followed when the setting changes, and removed from a video's container.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaFile } from '../../contracts/media.api.ts';
import { hasLocation } from '../../test/gps.ts';
import { hasGps } from './exif.ts';
import { videoPostersAvailable } from './images.ts';
import {
  ann,
  bob,
  bytesOf,
  download,
  json,
  photo,
  settings,
  startMediaHub,
  stopMediaHub,
  storedKey,
  uploaded,
} from './media-e2e.fixture.ts';

beforeAll(startMediaHub, 120_000);
afterAll(stopMediaHub);

describe('location in a photo', () => {
  it('is stripped from the original while the family setting says so, and never kept in a thumbnail', async () => {
    await settings({ strip_location: true });
    const stripped = await uploaded(ann, await photo(4, { gps: true }));
    const strippedBytes = Buffer.from(await bytesOf(await download(ann, stripped.url)));
    const original = await sharp(strippedBytes).metadata();
    expect(hasGps(original.exif)).toBe(false);
    expect(await hasLocation(strippedBytes)).toBe(false);
    const thumb = await sharp(
      Buffer.from(await bytesOf(await download(ann, stripped.thumbnail_url))),
    ).metadata();
    expect(thumb.exif).toBeUndefined();

    await settings({ strip_location: false });
    const kept = await uploaded(ann, await photo(5, { gps: true }));
    const keptBytes = Buffer.from(await bytesOf(await download(ann, kept.url)));
    const keptMeta = await sharp(keptBytes).metadata();
    expect(hasGps(keptMeta.exif)).toBe(true);
    expect(await hasLocation(keptBytes)).toBe(true);
    const keptThumb = await sharp(
      Buffer.from(await bytesOf(await download(ann, kept.thumbnail_url))),
    ).metadata();
    expect(keptThumb.exif).toBeUndefined();
    await settings({ strip_location: true });
  });
});

describe('location under a changed setting', () => {
  it('is stripped from the same photo once the family turns stripping on, though it was kept before', async () => {
    await settings({ strip_location: false });
    const bytes = await photo(40, { gps: true });
    const kept = await uploaded(ann, bytes);
    const keptOriginal = await sharp(Buffer.from(await bytesOf(await download(ann, kept.url)))).metadata();
    expect(hasGps(keptOriginal.exif)).toBe(true);

    await settings({ strip_location: true });
    const again = await uploaded(bob, bytes);
    // The answer names the bytes received; what is kept follows the setting in force now.
    expect(again.sha256).toBe(kept.sha256);
    const stored = Buffer.from(await bytesOf(await download(bob, again.url)));
    expect(hasGps((await sharp(stored).metadata()).exif)).toBe(false);
    expect(await hasLocation(stored)).toBe(false);
    expect(await storedKey(again.id)).not.toBe(await storedKey(kept.id));
    // Stored once per variant: a third upload under the same setting reuses the stripped bytes.
    const third = await uploaded(ann, bytes);
    await json(ann, `/api/v1/files/${third.id}?after=${third.seq}`);
    expect(await storedKey(third.id)).toBe(await storedKey(again.id));
  });
});

const probe = promisify(execFile);
const videoTags = async (bytes: Uint8Array) => {
  const file = path.join(tmpdir(), `hearth-e2e-${randomBytes(6).toString('hex')}.mp4`);
  await writeFile(file, bytes);
  try {
    const args = ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', file];
    return (await probe('ffprobe', args)).stdout;
  } finally {
    await unlink(file);
  }
};

describe('location in a video', async () => {
  const tools = await videoPostersAvailable();
  it.skipIf(!tools)(
    'is removed from the original while the family setting says so, kept otherwise',
    async () => {
      const video = await readFile(path.join(import.meta.dirname, '../../test/fixtures/media/located.mp4'));
      await settings({ strip_location: false });
      const kept = await uploaded(ann, video, { name: 'walk.mp4', contentType: 'video/mp4' });
      expect(await videoTags(await bytesOf(await download(ann, kept.url)))).toMatch(/48\.858/);

      await settings({ strip_location: true });
      const stripped = await uploaded(ann, video, { name: 'walk.mp4', contentType: 'video/mp4' });
      const file = await json<MediaFile>(ann, `/api/v1/files/${stripped.id}?after=${stripped.seq}`);
      expect(file).toMatchObject({ content_type: 'video/mp4', width: 32, height: 24 });
      const tags = await videoTags(await bytesOf(await download(ann, stripped.url)));
      expect(tags).not.toMatch(/48\.858|location/i);
    },
  );
});
