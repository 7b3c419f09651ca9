// The media e2e tests' hub and helpers: a whole hub with a private clamd and a family (an
// admin, Ann, Bob, and a child), and the calls the tests make of it. Each test file that
// imports this gets its own hub (vitest runs every file in a process of its own).
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { MediaPage } from '../../contracts/media.api.ts';
import type { PrivateClamd } from '../../test/clamd.ts';
import type { TestClient, TestHub } from '../../test/hub.ts';
import {
  type MediaFamily,
  postUpload,
  headersOf as sharedHeaders,
  startMediaFamily,
  uploadedTo,
} from '../../test/media-family.ts';

export let t: TestHub;
export let clamd: PrivateClamd;
export let admin: TestClient;
export let ann: TestClient;
export let bob: TestClient;
export let child: TestClient;
let family: MediaFamily | undefined;

export async function startMediaHub(): Promise<void> {
  family = await startMediaFamily({ members: ['Ann', 'Bob'], children: ['Kid'] });
  ({ t, clamd, admin } = family);
  [ann, bob] = family.members as [TestClient, TestClient];
  [child] = family.children as [TestClient];
}

export async function stopMediaHub(): Promise<void> {
  await family?.stop();
}

/** A small JPEG of one colour (each colour other bytes), with GPS in its EXIF when asked. */
export async function photo(seed: number, { gps = false, width = 320, height = 240 } = {}): Promise<Buffer> {
  const image = sharp({
    create: { width, height, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 99 } },
  }).jpeg({ quality: 90 });
  return gps
    ? image
        .withExif({
          IFD3: {
            GPSLatitudeRef: 'N',
            GPSLatitude: '51/1 30/1 0/1',
            GPSLongitudeRef: 'W',
            GPSLongitude: '0/1 7/1 0/1',
          },
        })
        .toBuffer()
    : image.toBuffer();
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const headersOf = (client: TestClient, extra: Record<string, string> = {}) =>
  sharedHeaders(t, client, extra);

export const upload = (
  client: TestClient,
  bytes: Uint8Array | string,
  opts?: Parameters<typeof postUpload>[3],
) => postUpload(t, client, bytes, opts);

export const uploaded = (client: TestClient, bytes: Uint8Array, opts?: Parameters<typeof postUpload>[3]) =>
  uploadedTo(t, client, bytes, opts);

export const download = (client: TestClient, path: string, headers: Record<string, string> = {}) =>
  t.hub.app.request(`${t.origin}${path}`, { headers: headersOf(client, headers) });

export const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

export async function json<T>(client: TestClient, path: string): Promise<T> {
  const res = await client.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

export const storedKey = async (fileId: string) =>
  (
    await t.hub.deps.pool.query<{ storage_key: string }>(
      'SELECT storage_key FROM media_files.files WHERE file_id = $1',
      [fileId],
    )
  ).rows[0]?.storage_key;

export const settings = async (body: object) => {
  const res = await admin.request('/api/v1/media/settings', { method: 'PUT', body });
  expect(res.status).toBe(200);
  const { seq } = (await res.json()) as { seq: number };
  await json(admin, `/api/v1/media/settings?after=${seq}`);
};

export const gallery = async (client: TestClient) =>
  (await json<MediaPage>(client, '/api/v1/media?kind=all&limit=100')).files.map((f) => f.id);
