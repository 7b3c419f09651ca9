// The built SPA (ui/dist), served by the edge itself: files as they are, hashed assets cached
// for a year, and index.html for any other page path so deep links and reloads work. The API,
// the socket and the operational endpoints never fall back to the page.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';

export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the server: a miss there is a 404, not the page. */
const SERVER_PATH = /^\/(api|ws|health|ready|metrics)(\/|$)/;
/** Vite puts content-hashed files here: their name changes whenever their content does. */
const HASHED = /^\/assets\//;

type File = { body: Uint8Array<ArrayBuffer>; type: string; etag: string };

export function serveSpa({ root = DEFAULT_UI_DIST }: { root?: string } = {}): MiddlewareHandler {
  const base = normalize(root.endsWith(sep) ? root : root + sep);

  const load = async (path: string): Promise<File | null> => {
    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      return null;
    }
    const file = normalize(join(base, rel));
    // Never outside the build folder, whatever the path says (../, encoded or not).
    if (!file.startsWith(base) || rel.includes('\0')) return null;
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      const body = new Uint8Array(await readFile(file));
      return {
        body,
        type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        etag: `W/"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`,
      };
    } catch {
      return null;
    }
  };

  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || SERVER_PATH.test(c.req.path)) return next();
    const path = c.req.path;
    const asset = path !== '/' && (await load(path));
    // A missing file that looks like one (has an extension) is a 404; a page path gets the page.
    const file = asset || (extname(path) === '' ? await load('/index.html') : null);
    if (!file) return next();
    const hashed = asset && HASHED.test(path);
    c.header('Content-Type', file.type);
    c.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('ETag', file.etag);
    if (c.req.header('If-None-Match') === file.etag) return c.body(null, 304);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(file.body, 200);
  };
}
