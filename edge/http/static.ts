// The built SPA (ui/dist), served by the edge itself: files as they are, compressed when the
// build left a .br or .gz beside them (ui/vite.config.ts) and the browser accepts it, hashed
// assets cached for a year, and index.html for any other page path so deep links and reloads
// work. The API, the socket and the operational endpoints never fall back to the page.
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';

export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/** Paths that belong to the server: a miss there is a 404, not the page. */
const SERVER_PATH = /^\/(api|ws|health|ready|metrics)(\/|$)/;
/** Vite puts content-hashed files here: their name changes whenever their content does. */
const HASHED = /^\/assets\//;
/**
 * Never sent: source maps (the whole source, for anyone; a build before maps were turned off
 * may have left one) and the compressed copies, which are sent only in place of their file.
 */
const PRIVATE = /\.(map|br|gz)$/i;
/** Files that may have a compressed copy: a cache must keep one answer per Accept-Encoding. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/i;

type Send = (c: Context) => Promise<Response | undefined>;

export function serveSpa({ root = DEFAULT_UI_DIST }: { root?: string } = {}): MiddlewareHandler {
  // Made on the first request: serveStatic complains at once about a build folder that is not
  // there (yet), and a hub without a built UI still answers its API.
  let senders: { file: Send; page: Send } | undefined;
  const sent = (handler: MiddlewareHandler): Send => {
    const missing = async () => undefined;
    return async (c) => (await handler(c, missing)) || undefined;
  };

  return async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || SERVER_PATH.test(path)) return next();
    if (PRIVATE.test(path)) return next();
    senders ??= {
      // It refuses paths that climb out of the root ('..', encoded or not) as missing.
      file: sent(serveStatic({ root, precompressed: true })),
      page: sent(serveStatic({ root, path: 'index.html', precompressed: true })),
    };
    const asset = path === '/' ? undefined : await senders.file(c);
    // A missing file that looks like one (has an extension) is a 404; a page path gets the page.
    const res = asset ?? (extname(path) === '' ? await senders.page(c) : undefined);
    if (!res) return next();
    // Also when this answer is not compressed: the next browser's may be.
    if (!asset || COMPRESSIBLE.test(path)) res.headers.set('Vary', 'Accept-Encoding');
    res.headers.set(
      'Cache-Control',
      asset && HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    if (res.status !== 200 || c.req.method !== 'GET' || (asset && HASHED.test(path))) return res;
    // Unhashed files (the page, the icon) are small and revalidated on every load: their tag is
    // their content's hash, as a rebuilt page of the same size and second must not match.
    const body = new Uint8Array(await res.arrayBuffer());
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers = new Headers(res.headers);
    headers.set('ETag', etag);
    if (c.req.header('If-None-Match') === etag) {
      headers.delete('Content-Length');
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, { status: 200, headers });
  };
}
