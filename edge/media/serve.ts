// A download, from a blob: the sniffed type, a safe name, and the headers that keep a private
// file private (no shared cache keeps it; a browser revalidates with its ETag), with ranges so a
// video seeks.
//
// Ranges: one range (bytes=a-b, a-, -n) → 206 with Content-Range. Several ranges in one
// request are answered with the whole file (200): RFC 9110 lets a server ignore Range, and no
// media player needs multipart/byteranges. A range outside the file → 416 with the envelope and
// Content-Range: bytes */size. A Range that is not `bytes=` is ignored (200), as is one
// sent with an If-Range that no longer matches.
import type { Context } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { BlobStore } from '../../writers/media/blobs.ts';
import { RANGE_NOT_SATISFIABLE } from '../../writers/media/upload-errors.ts';
import { safeFileName } from './multipart.ts';

/** Private: only the browser that asked may keep it, and it asks again (ETag) before reuse. */
export const CACHE_CONTROL = 'private, max-age=0, must-revalidate';

const INLINE = /^(image\/(jpeg|png|gif|webp)|video\/(mp4|webm)|application\/pdf)$/;

export async function serveBlob(
  c: Context,
  input: { store: BlobStore; key: string; contentType: string; fileName: string; etag: string },
): Promise<Response> {
  const { store, key, contentType } = input;
  const etag = strongEtag(input.etag);
  c.header('ETag', etag);
  c.header('Cache-Control', CACHE_CONTROL);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Accept-Ranges', 'bytes');
  if (ifNoneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304);

  const size = await store.size(key);
  if (size === undefined) throw commonErrors.notFound('No such file.');
  const ifRange = c.req.header('if-range');
  const wanted =
    ifRange === undefined || ifRange === etag ? parseRange(c.req.header('range'), size) : 'whole';
  if (wanted === 'unsatisfiable') {
    c.header('Content-Range', `bytes */${size}`);
    return c.json({ error: RANGE_NOT_SATISFIABLE.error, code: RANGE_NOT_SATISFIABLE.code }, 416);
  }
  c.header('Content-Type', contentType);
  c.header('Content-Disposition', contentDisposition(input.fileName, INLINE.test(contentType)));
  // A PDF opened in the browser runs no script and reaches no origin's data.
  if (contentType === 'application/pdf') c.header('Content-Security-Policy', 'sandbox');
  // HEAD is answered from the size alone: no download is opened for it.
  if (c.req.method === 'HEAD') {
    if (wanted !== 'whole') c.header('Content-Range', `bytes ${wanted.start}-${wanted.end}/${size}`);
    c.header('Content-Length', String(wanted === 'whole' ? size : wanted.end - wanted.start + 1));
    return c.body(null, wanted === 'whole' ? 200 : 206);
  }
  const blob = await store.get(key, wanted === 'whole' ? undefined : wanted);
  if (!blob) throw commonErrors.notFound('No such file.');
  if (wanted === 'whole') {
    c.header('Content-Length', String(blob.sizeBytes));
    return c.body(blob.stream, 200);
  }
  c.header('Content-Length', String(wanted.end - wanted.start + 1));
  c.header('Content-Range', `bytes ${wanted.start}-${wanted.end}/${blob.sizeBytes}`);
  return c.body(blob.stream, 206);
}

/** A strong validator: the caller's token (sha256 + which variant), quoted. */
function strongEtag(tag: string): string {
  const bare = tag.replace(/^W\//, '').replace(/^"|"$/g, '');
  return `"${bare.replace(/[^\x21\x23-\x7e]/g, '')}"`;
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Weak comparison, as RFC 9110 asks for If-None-Match.
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

type Wanted = 'whole' | 'unsatisfiable' | { start: number; end: number };

export function parseRange(header: string | undefined, size: number): Wanted {
  if (!header) return 'whole';
  const match = /^bytes=(.*)$/i.exec(header.trim());
  if (!match?.[1] || match[1].includes(',')) return 'whole';
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(match[1]);
  if (!spec) return 'whole';
  const [, first = '', last = ''] = spec;
  if (first === '' && last === '') return 'whole';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return 'whole'; // invalid: ignored, RFC 9110 §14.1.1
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** RFC 6266: an ASCII fallback name, and the real one in RFC 8187's filename*. */
export function contentDisposition(fileName: string, inline: boolean): string {
  const name = safeFileName(fileName);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
