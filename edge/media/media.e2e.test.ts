import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaFile, MediaStatus } from '../../contracts/media.api.ts';
import { EICAR, EICAR_SIGNATURE } from '../../test/clamd.ts';
import {
  admin,
  ann,
  bob,
  bytesOf,
  child,
  clamd,
  download,
  gallery,
  json,
  photo,
  settings,
  sha256,
  startMediaHub,
  stopMediaHub,
  storedKey,
  t,
  upload,
  uploaded,
} from './media-e2e.fixture.ts';

beforeAll(startMediaHub, 120_000);
afterAll(stopMediaHub);

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
