// Media over a whole hub, with a private clamd: a clean upload end to end, an infected one,
// de-duplication down to the stored bytes, location stripped as the family asks, Range
// downloads, who may upload and delete, albums, avatars, play's XP for a shared photo, and the
// scanner going away.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaFile, MediaPage, MediaStatus, UploadResponse } from '../../contracts/media.api.ts';
import { EICAR, EICAR_SIGNATURE, type PrivateClamd } from '../../test/clamd.ts';
import { hasLocation } from '../../test/gps.ts';
import { serveHub } from '../../test/hostile.ts';
import type { TestClient, TestHub } from '../../test/hub.ts';
import { type MediaFamily, startMediaFamily } from '../../test/media-family.ts';
import { hasGps } from './exif.ts';
import { videoPostersAvailable } from './images.ts';

let t: TestHub;
let clamd: PrivateClamd;
let admin: TestClient;
let ann: TestClient;
let bob: TestClient;
let child: TestClient;

/** A small JPEG of one colour (each colour other bytes), with GPS in its EXIF when asked. */
async function photo(seed: number, { gps = false, width = 320, height = 240 } = {}): Promise<Buffer> {
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

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function headersOf(client: TestClient, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'X-Forwarded-For': client.ip,
    Origin: t.origin,
    Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    ...extra,
  };
}

async function upload(
  client: TestClient,
  bytes: Uint8Array | string,
  {
    name = 'photo.jpg',
    // For the gallery: an upload of no type is a chat attachment, only its sender's to read.
    type = 'photo',
    contentType = 'image/jpeg',
  }: { name?: string; type?: string; contentType?: string } = {},
): Promise<Response> {
  const form = new FormData();
  form.append('type', type);
  form.append(
    'file',
    new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: contentType }),
    name,
  );
  return t.hub.app.request(`${t.origin}/api/v1/upload`, {
    method: 'POST',
    headers: headersOf(client),
    body: form,
  });
}

async function uploaded(client: TestClient, bytes: Uint8Array, opts?: Parameters<typeof upload>[2]) {
  const res = await upload(client, bytes, opts);
  expect(res.status, await res.clone().text()).toBe(201);
  const up = (await res.json()) as UploadResponse;
  // Read-your-writes: what follows reads the media read model.
  expect((await client.request(`/api/v1/files/${up.id}?after=${up.seq}`)).status).toBe(200);
  return up;
}

const download = (client: TestClient, path: string, headers: Record<string, string> = {}) =>
  t.hub.app.request(`${t.origin}${path}`, { headers: headersOf(client, headers) });

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function json<T>(client: TestClient, path: string): Promise<T> {
  const res = await client.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

const storedKey = async (fileId: string) =>
  (
    await t.hub.deps.pool.query<{ storage_key: string }>(
      'SELECT storage_key FROM media_files.files WHERE file_id = $1',
      [fileId],
    )
  ).rows[0]?.storage_key;

const settings = async (body: object) => {
  const res = await admin.request('/api/v1/media/settings', { method: 'PUT', body });
  expect(res.status).toBe(200);
  const { seq } = (await res.json()) as { seq: number };
  await json(admin, `/api/v1/media/settings?after=${seq}`);
};

const gallery = async (client: TestClient) =>
  (await json<MediaPage>(client, '/api/v1/media?kind=all&limit=100')).files.map((f) => f.id);

let family: MediaFamily;

beforeAll(async () => {
  family = await startMediaFamily({ members: ['Ann', 'Bob'], children: ['Kid'] });
  ({ t, clamd, admin } = family);
  [ann, bob] = family.members as [TestClient, TestClient];
  [child] = family.children as [TestClient];
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await clamd?.stop();
});

describe('a clean upload', () => {
  it('is accepted, described, downloaded as sent, and thumbnailed as webp', async () => {
    // The original kept exactly as sent: nothing to strip is asked for here.
    await settings({ strip_location: false });
    const bytes = await photo(1);
    const up = await uploaded(ann, bytes, { name: '../../beach day.jpg', type: 'photo' });
    expect(up).toMatchObject({
      url: `/api/v1/files/${up.id}/download`,
      thumbnail_url: `/api/v1/files/${up.id}/download?thumb=1`,
      sha256: sha256(bytes),
      size_bytes: bytes.length,
    });
    const file = await json<MediaFile>(ann, `/api/v1/files/${up.id}?after=${up.seq}`);
    expect(file).toMatchObject({
      id: up.id,
      kind: 'photo',
      content_type: 'image/jpeg',
      owner_name: 'Ann',
      width: 320,
      height: 240,
      thumbnail_note: '',
    });
    expect(file.file_name).not.toContain('/');

    const original = await download(bob, up.url);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('cache-control')).toContain('private');
    expect(Buffer.from(await bytesOf(original)).equals(bytes)).toBe(true);

    const thumb = await download(bob, up.thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const webp = await sharp(Buffer.from(await bytesOf(thumb))).metadata();
    expect(webp).toMatchObject({ format: 'webp', width: 256, height: 192 });
    expect(webp.exif).toBeUndefined();
    expect(await gallery(child)).toContain(up.id);
  });

  it('serves a Range of the bytes, so a video seeks', async () => {
    const bytes = await photo(2);
    const up = await uploaded(ann, bytes);
    const part = await download(ann, up.url, { Range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await bytesOf(part)).equals(bytes.subarray(10, 20))).toBe(true);
  });

  it('answers 404 for a file nobody uploaded, and 415 for a type it does not keep', async () => {
    expect((await download(ann, '/api/v1/files/nosuch/download')).status).toBe(404);
    const exe = await upload(ann, `MZ${'\u0000'.repeat(200)}`, { name: 'game.jpg' });
    expect(exe.status).toBe(415);
    expect(await exe.json()).toMatchObject({ code: 'media.type_not_allowed' });
  });
});

describe('an infected upload', () => {
  it('is refused with 422, stores nothing, and is recorded for the audit log', async () => {
    const before = await gallery(admin);
    const res = await upload(ann, EICAR, { name: 'eicar.jpg' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'media.infected' });
    expect(await gallery(admin)).toEqual(before);
    const { events } = await json<{ events: { type: string; payload: unknown }[] }>(
      admin,
      '/api/v1/admin/streams/media/events?limit=500',
    );
    const rejected = events.filter((e) => /UploadRejected|uploadRejected/.test(e.type));
    expect(rejected).toHaveLength(1);
    expect(JSON.stringify(rejected[0]?.payload)).toContain(EICAR_SIGNATURE);
    expect(JSON.stringify(rejected[0]?.payload)).toContain(sha256(Buffer.from(EICAR)));
    expect(
      events.filter(
        (e) => /FileUploaded|fileUploaded/.test(e.type) && JSON.stringify(e.payload).includes('eicar'),
      ),
    ).toEqual([]);
  });
});

describe('the same bytes uploaded twice', () => {
  it('are stored once, kept while one upload points at them, and removed with the last', async () => {
    const bytes = await photo(3);
    const first = await uploaded(ann, bytes);
    const second = await uploaded(bob, bytes);
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    await json(ann, `/api/v1/files/${second.id}?after=${second.seq}`);
    const key = await storedKey(first.id);
    expect(key).toBeDefined();
    expect(await storedKey(second.id)).toBe(key);
    const store = t.hub.media.store;

    expect((await ann.request(`/api/v1/files/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect.poll(async () => (await ann.request(`/api/v1/files/${first.id}`)).status).toBe(404);
    const kept = await download(bob, second.url);
    expect(kept.status).toBe(200);
    expect(Buffer.from(await bytesOf(kept)).length).toBe(bytes.length);
    expect(await store.has(key as string)).toBe(true);

    expect((await bob.request(`/api/v1/files/${second.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect.poll(async () => (await download(bob, second.url)).status).toBe(404);
    await expect.poll(() => store.has(key as string), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => store.has(`${key}.thumb`), { timeout: 15_000 }).toBe(false);

    // The same bytes again: a new key, never the released one.
    const again = await uploaded(ann, bytes);
    await json(ann, `/api/v1/files/${again.id}?after=${again.seq}`);
    expect(await storedKey(again.id)).not.toBe(key);
    expect((await download(ann, again.url)).status).toBe(200);
  });
});

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

describe('who may upload and delete', () => {
  it('refuses children until an admin allows them', async () => {
    const refused = await upload(child, await photo(6));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'media.children_may_not_upload' });
    expect((await json<MediaStatus>(child, '/api/v1/media/status')).can_upload).toBe(false);
    await settings({ children_may_upload: true });
    await uploaded(child, await photo(6));
    expect((await json<MediaStatus>(child, '/api/v1/media/status')).can_upload).toBe(true);
    await settings({ children_may_upload: false });
  });

  it('lets the owner or an admin delete, nobody else', async () => {
    const mine = await uploaded(ann, await photo(7));
    await json(ann, `/api/v1/files/${mine.id}?after=${mine.seq}`);
    const refused = await bob.request(`/api/v1/files/${mine.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'media.not_owner' });
    expect((await admin.request(`/api/v1/files/${mine.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect
      .poll(async () => (await admin.request(`/api/v1/files/${mine.id}`, { method: 'DELETE' })).status)
      .toBe(404);
  });
});

describe('albums', () => {
  it('are made by anyone in the family and hold the files added to them', async () => {
    const up = await uploaded(ann, await photo(8));
    const made = await bob.request('/api/v1/albums', { body: { title: 'Summer' } });
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };
    await json(ann, `/api/v1/files/${up.id}?after=${up.seq}`);
    const added = await bob.request(`/api/v1/albums/${id}/files`, { body: { file_id: up.id } });
    expect(added.status).toBe(200);
    const { seq } = (await added.json()) as { seq: number };
    const detail = await json<{
      album: { title: string; count: number; cover_thumbnail_url: string };
      files: MediaFile[];
    }>(child, `/api/v1/albums/${id}?after=${seq}`);
    expect(detail.album).toMatchObject({ title: 'Summer', count: 1, cover_thumbnail_url: up.thumbnail_url });
    expect(detail.files.map((f) => f.id)).toEqual([up.id]);
    const removed = await ann.request(`/api/v1/albums/${id}/files/${up.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const after = (await removed.json()) as { seq: number };
    expect(
      (await json<{ files: MediaFile[] }>(ann, `/api/v1/albums/${id}?after=${after.seq}`)).files,
    ).toEqual([]);
  });
});

describe('an avatar', () => {
  it('is an image within its own limit, and becomes the profile image', async () => {
    const pdf = await upload(bob, '%PDF-1.4\n%%EOF\n', {
      name: 'cv.pdf',
      type: 'avatar',
      contentType: 'application/pdf',
    });
    expect(pdf.status).toBe(415);
    const up = await uploaded(bob, await photo(9), { type: 'avatar' });
    await expect
      .poll(
        async () =>
          ((await json<{ image: string | null }>(bob, '/api/v1/me')).image ?? '').endsWith(up.thumbnail_url),
        {
          timeout: 15_000,
        },
      )
      .toBe(true);
  });
});

describe('play', () => {
  it('gives "Say cheese" for a shared photo, and takes it back when the photo is deleted', async () => {
    const earned = async () =>
      (await json<{ achievements: { id: string }[] }>(admin, '/api/v1/play/me')).achievements.some(
        (a) => a.id === 'first-photo',
      );
    await expect.poll(earned, { timeout: 15_000 }).toBe(false);
    const up = await uploaded(admin, await photo(10), { type: 'photo' });
    await expect.poll(earned, { timeout: 15_000 }).toBe(true);
    expect((await admin.request(`/api/v1/files/${up.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect.poll(earned, { timeout: 15_000 }).toBe(false);
  });
});

describe('an upload over a real connection', () => {
  it('streams the node request itself, past the JSON body limit', async () => {
    const server = await serveHub(t.hub);
    try {
      // Noise does not compress: a JPEG well past the 64 KiB JSON body limit.
      const bytes = await sharp(randomBytes(600 * 400 * 3), { raw: { width: 600, height: 400, channels: 3 } })
        .jpeg()
        .toBuffer();
      expect(bytes.length).toBeGreaterThan(64 * 1024);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), 'big.jpg');
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/upload`, {
        method: 'POST',
        headers: headersOf(ann),
        body: form,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(((await res.json()) as UploadResponse).sha256).toBe(sha256(bytes));
    } finally {
      await server.close();
    }
  });

  it('answers 413 as soon as the file passes the limit, without reading the rest', async () => {
    const server = await serveHub(t.hub);
    try {
      const boundary = 'hearthboundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 7);
      // Far more than the limit: sent only while the server keeps reading.
      const total = 200 * 1024 * 1024;
      const answer = await new Promise<{
        status: number;
        connection: string | undefined;
        body: string;
        sent: number;
      }>((resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = httpRequest({
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/v1/upload',
          headers: { ...headersOf(ann), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        });
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, sent }),
          );
        });
        req.on('error', (err) => {
          if (!answered) reject(err);
        });
        const pump = () => {
          while (!answered && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        req.write(head);
        pump();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'media.too_large' });
      expect(answer.connection).toBe('close');
      expect(answer.sent).toBeLessThan(total / 4);
      expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('without the scanner', () => {
  it('refuses uploads with 503 and stores nothing (fail closed)', async () => {
    await clamd.stop();
    const before = await gallery(admin);
    const res = await upload(ann, await photo(11));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'media.scanner_unavailable' });
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await gallery(admin)).toEqual(before);
    const status = await json<MediaStatus>(ann, '/api/v1/media/status');
    expect(status).toMatchObject({ scanner: 'unavailable' });
    expect(status.scanner_note).not.toBe('');
  });
});
