import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import { testNats } from '../../test/services.ts';
import { type BlobStore, openBlobStore } from '../../writers/media/blobs.ts';
import { errorResponse } from '../http/errors.ts';
import { CACHE_CONTROL, contentDisposition, parseRange, serveBlob } from './serve.ts';

const content = randomBytes(300 * 1024);
const SHA = 'a'.repeat(64);
let nats: Awaited<ReturnType<typeof testNats>>;
let work: string;
let store: BlobStore;
let app: Hono;
/** Downloads /counted opened from the store. */
let opened = 0;

beforeAll(async () => {
  nats = await testNats();
  work = await mkdtemp(path.join(tmpdir(), 'hearth-serve-'));
  store = await openBlobStore({ spec: 'nats', nc: nats.nc, names: nats.names });
  const source = path.join(work, 'video.bin');
  await writeFile(source, content);
  await store.put('video', source);
  await store.put('doc', source);
  app = new Hono();
  app.onError((err, c) =>
    err instanceof HearthError
      ? errorResponse(c, err)
      : c.json({ error: err.message, code: 'internal' }, 500),
  );
  app.get('/video', (c) =>
    serveBlob(c, {
      store,
      key: 'video',
      contentType: 'video/mp4',
      fileName: 'Été à la plage "1".mp4',
      etag: `${SHA}-original`,
    }),
  );
  app.get('/doc', (c) =>
    serveBlob(c, {
      store,
      key: 'doc',
      contentType: 'application/pdf',
      fileName: 'report.pdf',
      etag: `${SHA}-original`,
    }),
  );
  app.get('/counted', (c) =>
    serveBlob(c, {
      store: {
        ...store,
        get: (...args) => {
          opened++;
          return store.get(...args);
        },
      },
      key: 'video',
      contentType: 'video/mp4',
      fileName: 'v.mp4',
      etag: `${SHA}-original`,
    }),
  );
  app.get('/gone', (c) =>
    serveBlob(c, {
      store,
      key: 'missing',
      contentType: 'image/png',
      fileName: 'x.png',
      etag: `${SHA}-thumb`,
    }),
  );
});
afterAll(async () => {
  await nats?.cleanup();
  await rm(work, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers });

describe('a download', () => {
  it('answers the bytes with headers that keep a private file private', async () => {
    const res = await get('/video');
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe(CACHE_CONTROL);
    expect(res.headers.get('cache-control')).not.toMatch(/public|s-maxage/);
    expect(res.headers.get('etag')).toBe(`"${SHA}-original"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="_t_ _ la plage _1_.mp4"; filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20la%20plage%20%221%22.mp4`,
    );
  });

  it('sandboxes a PDF', async () => {
    const res = await get('/doc');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    await res.arrayBuffer();
  });

  it('answers 304 to a browser that has it already, with no body', async () => {
    for (const tag of [`"${SHA}-original"`, `W/"${SHA}-original"`, `"other", "${SHA}-original"`, '*']) {
      const res = await get('/video', { 'if-none-match': tag });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(`"${SHA}-original"`);
      expect(res.headers.get('cache-control')).toBe(CACHE_CONTROL);
    }
    const changed = await get('/video', { 'if-none-match': `"${SHA}-thumb"` });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it('answers ranges with 206 and Content-Range: a-b, a-, -n', async () => {
    const cases = [
      ['bytes=0-99', 0, 99],
      ['bytes=131000-131100', 131000, 131100],
      ['bytes=200000-', 200000, content.length - 1],
      ['bytes=-500', content.length - 500, content.length - 1],
      ['bytes=10-999999999', 10, content.length - 1],
    ] as const;
    for (const [range, start, end] of cases) {
      const res = await get('/video', { range });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${content.length}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers 416 with the envelope for a range outside the file', async () => {
    for (const range of [
      `bytes=${content.length}-`,
      'bytes=-0',
      `bytes=${content.length + 5}-${content.length + 9}`,
    ]) {
      const res = await get('/video', { range });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${content.length}`);
      expect(await res.json()).toEqual({ error: expect.any(String), code: 'media.range_not_satisfiable' });
    }
  });

  it('answers the whole file to several ranges, a foreign unit, or a stale If-Range', async () => {
    for (const headers of [
      { range: 'bytes=0-1,5-9' } as Record<string, string>,
      { range: 'items=0-5' },
      { range: 'bytes=9-3' },
      { range: 'bytes=0-9', 'if-range': '"stale"' },
    ]) {
      const res = await get('/video', headers);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(content.length);
    }
    const fresh = await get('/video', { range: 'bytes=0-9', 'if-range': `"${SHA}-original"` });
    expect(fresh.status).toBe(206);
    await fresh.arrayBuffer();
  });

  it('answers 404 with the envelope when the blob is missing', async () => {
    const res = await get('/gone');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'No such file.', code: 'not_found' });
  });
});

describe('the pieces', () => {
  it('parses ranges against a size', () => {
    expect(parseRange(undefined, 10)).toBe('whole');
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=-20', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-', 10)).toBe('whole');
  });

  it('makes a download name safe in both of its forms', () => {
    expect(contentDisposition('../../etc/passwd', false)).toBe(
      `attachment; filename="passwd"; filename*=UTF-8''passwd`,
    );
    expect(contentDisposition('a\r\nSet-Cookie: x=1.png', true)).toBe(
      `inline; filename="aSet-Cookie: x=1.png"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1.png`,
    );
  });
});

describe('a HEAD request', () => {
  it("answers the size and the range from the store's size alone, opening no download", async () => {
    const whole = await app.request('/counted', { method: 'HEAD' });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(content.length));
    const part = await app.request('/counted', { method: 'HEAD', headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${content.length}`);
    expect(opened).toBe(0);
    expect((await app.request('/counted')).status).toBe(200);
    expect(opened).toBe(1);
  });
});
