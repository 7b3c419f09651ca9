import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../../ui/build.ts';
import { securityHeaders } from './security.ts';
import { serveSpa } from './static.ts';

let root: string;
let app: Hono;
const BIG = `console.log(${JSON.stringify('hearth '.repeat(2000))});`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-ui-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Hearth</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(root, 'favicon.svg'), '<svg/>');
  // As the build leaves them (ui/vite.config.ts): big text files with .br and .gz beside them.
  const bundle = join(root, 'assets', 'index-big456.js');
  await writeFile(bundle, BIG);
  await writeFile(`${bundle}.br`, brotliCompressSync(BIG));
  await writeFile(`${bundle}.gz`, gzipSync(BIG));
  await writeFile(`${bundle}.map`, '{"sources":["secret.ts"]}');
  await writeFile(join(root, '..', 'secret.txt'), 'no');
  app = new Hono();
  app.use(securityHeaders());
  app.get('/api/v1/known', (c) => c.json({ ok: true }));
  app.get('*', serveSpa({ root }));
  app.notFound((c) => c.json({ error: 'Not found.', code: 'not_found' }, 404));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(join(root, '..', 'secret.txt'), { force: true });
});

describe('serving the built SPA', () => {
  it('answers a page path with index.html, not cached, under the CSP', async () => {
    const res = await app.request('/c/family');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>Hearth</title>');
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.request('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates unhashed files and answers 304 to a matching ETag', async () => {
    const first = await app.request('/favicon.svg');
    expect(first.headers.get('Cache-Control')).toBe('no-cache');
    const etag = first.headers.get('ETag') ?? '';
    const again = await app.request('/favicon.svg', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('tags the page by its content: a rebuilt page of the same size and second does not match', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('ETag') ?? '';
    expect(etag).not.toBe('');
    const page = join(root, 'index.html');
    const { mtime } = await stat(page);
    const text = await readFile(page, 'utf8');
    // Same length, same modification time: only the content differs.
    await writeFile(
      page,
      text.replace(/.$/s, (ch) => (ch === 'x' ? 'y' : 'x')),
    );
    await utimes(page, mtime, mtime);
    const after = await app.request('/', { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('ETag')).not.toBe(etag);
  });

  it('leaves the API, the socket and health to the server', async () => {
    expect((await app.request('/api/v1/known')).status).toBe(200);
    for (const path of ['/api/v1/nothing', '/api/auth/x', '/ws', '/metrics', '/health']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('Content-Type'), path).toContain('application/json');
    }
  });

  it('answers a missing file with 404 rather than the page', async () => {
    expect((await app.request('/assets/gone-123.js')).status).toBe(404);
  });

  it('never serves a file outside the build folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await app.request(path);
      expect(await res.text(), path).not.toBe('no');
    }
  });

  it('sends the brotli copy to a browser that accepts it, and says the answer varies', async () => {
    const res = await app.request('/assets/index-big456.js', {
      headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Encoding')).toBe('br');
    expect(res.headers.get('Vary')).toBe('Accept-Encoding');
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(BIG.length / 10);
    expect(brotliDecompressSync(body).toString()).toBe(BIG);
  });

  it('sends the gzip copy to a browser without brotli', async () => {
    const res = await app.request('/assets/index-big456.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(BIG);
  });

  it('sends the file as it is to a client that accepts no encoding, still varying', async () => {
    const res = await app.request('/assets/index-big456.js');
    expect(res.headers.get('Content-Encoding')).toBeNull();
    expect(res.headers.get('Vary')).toBe('Accept-Encoding');
    expect(await res.text()).toBe(BIG);
  });

  it('never serves a source map, nor a compressed copy by its own name', async () => {
    for (const path of [
      '/assets/index-big456.js.map',
      '/assets/index-big456.js.br',
      '/assets/index-big456.js.gz',
    ]) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it('does not answer writes', async () => {
    expect((await app.request('/c/family', { method: 'POST' })).status).toBe(404);
  });
});

describe('the build the edge serves (ui/dist)', () => {
  it('is React’s production build, with brotli and gzip copies and no source map', async () => {
    await ensureUiBuilt();
    const dist = join(import.meta.dirname, '../../ui/dist/assets');
    const files = await readdir(dist);
    const bundle = files.find((f) => /^index-.*\.js$/.test(f));
    expect(bundle).toBeDefined();
    expect(files).toContain(`${bundle}.br`);
    expect(files).toContain(`${bundle}.gz`);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    // React's production build, even when the tests (NODE_ENV=test) started the build.
    expect(await readFile(join(dist, bundle ?? ''), 'utf8')).not.toContain('jsxDEV');
  }, 120_000);
});
