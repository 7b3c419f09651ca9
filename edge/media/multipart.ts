// An upload's body, streamed to a temp file as it arrives: hashed and counted on the way,
// never held whole in memory. Limits apply while the body streams; on the first byte too many
// it stops reading and the caller answers at once.
//
// Which request to pass: with @hono/node-server, `c.env.incoming` (the node IncomingMessage).
// It is read directly, with no web-stream wrapper. When the upload is refused this stops
// reading it without destroying the socket, so the answer still goes out, and the caller MUST
// answer with `Connection: close` (closeAfterRefusal): node then ends the connection once the
// answer is written instead of reading the rest of the body to reuse it, so a 200 MB body
// costs what arrived before the refusal. Nothing may have read the body before (so the upload
// route sits outside edge/http/body-limit.ts, whose chunked path reads c.req.raw.body).
// A web Request (c.req.raw, app.request in tests) works too: it is read through
// Readable.fromWeb, and a refusal cancels its stream.
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import type { Context } from 'hono';
import { HearthError } from '../../contracts/errors.ts';
import { UPLOAD_KINDS, type UploadKind } from '../../contracts/media.api.ts';
import { uploadErrors } from '../../writers/media/upload-errors.ts';
import { boundaryOf, limitPartHeaders } from './part-headers.ts';

export type ReceivedFile = {
  path: string;
  sizeBytes: number;
  sha256: string;
  fileName: string;
  kind: UploadKind;
};

/** At most this many parts: `file`, `type`, and room for a client's harmless extras. */
export const MAX_PARTS = 10;
/** A text field's value (`type`, extras) is at most this long. */
export const MAX_FIELD_BYTES = 1024;
/** A part's headers (Content-Disposition with the file's name, Content-Type) are at most 8 KiB. */
export const MAX_PART_HEADER_BYTES = 8 * 1024;

const bad = (message: string) => uploadErrors.badMultipart(message);

/** Call before answering a refused upload: see the header comment. */
export function closeAfterRefusal(c: Context): void {
  c.header('Connection', 'close');
}

/**
 * Call before refusing an upload whose body nothing has read yet (a child who may not upload):
 * stops reading it and lingers as receiveUpload's own refusals do, so the client hears the
 * answer instead of a connection reset.
 */
export function refuseUnread(c: Context): void {
  closeAfterRefusal(c);
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (incoming instanceof IncomingMessage) {
    incoming.pause();
    lingerOnClose(incoming);
    return;
  }
  const body = c.req.raw.bodyUsed ? null : c.req.raw.body;
  body?.cancel().catch(() => undefined);
}

/** After a refusal, what is read and thrown away (at most) so the client hears the answer. */
export const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 2000;

/**
 * Node ends a `Connection: close` socket with destroySoon: destroyed the moment the answer is
 * written. A socket destroyed with unread bytes sends a TCP reset, and a client still sending
 * its body loses the answer with it (it sees "connection reset", not 413). So, as nginx and
 * Apache do, this socket lingers instead: it ends its side, then reads and discards for at most
 * LINGER_BYTES or LINGER_MS, and only then is destroyed.
 */
function lingerOnClose(request: IncomingMessage): void {
  const socket = request.socket;
  socket.destroySoon = () => {
    socket.end();
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    request.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) socket.destroy();
    });
    request.resume();
  };
}

type Body = { contentType: string | undefined; stream: Readable; stop: () => void };

function bodyOf(request: IncomingMessage | Request): Body {
  if (request instanceof IncomingMessage) {
    const contentType = request.headers['content-type'];
    // Stop reading but keep the socket: destroying an IncomingMessage destroys its socket,
    // and the refusal could not be sent.
    return {
      contentType,
      stream: request,
      stop: () => {
        request.pause();
        lingerOnClose(request);
      },
    };
  }
  const contentType = request.headers.get('content-type') ?? undefined;
  const stream = request.body
    ? Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>)
    : Readable.from([]);
  return { contentType, stream, stop: () => stream.destroy() };
}

/** Counts and hashes the file's bytes; fails on the first byte over the current limit. */
function meter(limit: () => number): Transform & { sizeBytes: () => number; digest: () => string } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      size += chunk.length;
      const max = limit();
      if (size > max) return cb(uploadErrors.tooLarge(undefined, { max_bytes: max }));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return Object.assign(t, { sizeBytes: () => size, digest: () => hash.digest('hex') });
}

/** Without a word from the client for this long, an upload is refused (a body that never ends). */
export const IDLE_TIMEOUT_MS = 30_000;

export async function receiveUpload(input: {
  request: IncomingMessage | Request;
  maxBytes: (kind: UploadKind) => number;
  tmpDir: string;
  idleTimeoutMs?: number | undefined;
}): Promise<ReceivedFile> {
  const { maxBytes, tmpDir } = input;
  const idleTimeoutMs = input.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const body = bodyOf(input.request);
  // Refused before reading: the body is left as a refusal midway leaves it.
  const refuse = (message: string) => {
    body.stop();
    return bad(message);
  };
  if (!body.contentType || !/^multipart\/form-data\b/i.test(body.contentType.trim()))
    throw refuse('Send the upload as multipart/form-data.');
  const largest = Math.max(...UPLOAD_KINDS.map(maxBytes));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': body.contentType },
      defParamCharset: 'utf8',
      limits: { parts: MAX_PARTS, files: 1, fieldSize: MAX_FIELD_BYTES, fileSize: largest + 1 },
    });
  } catch {
    throw refuse('The multipart boundary is missing or malformed.');
  }

  const boundary = boundaryOf(body.contentType);
  if (!boundary) throw refuse('The multipart boundary is missing or malformed.');
  const guard = limitPartHeaders({
    boundary,
    maxBytes: MAX_PART_HEADER_BYTES,
    tooLong: () => bad(`A part's headers have at most ${MAX_PART_HEADER_BYTES} bytes.`),
  });
  const tmpPath = path.join(tmpDir, `upload-${randomUUID()}`);
  let kind: UploadKind | undefined;
  let fileName = '';
  let written: Promise<void> | undefined;
  /** Closed once its descriptor is: only then can the temp file be removed for good. */
  let fileClosed: Promise<unknown> = Promise.resolve();
  let counter: ReturnType<typeof meter> | undefined;
  const limit = () => (kind ? maxBytes(kind) : largest);

  return new Promise<ReceivedFile>((resolve, reject) => {
    let settled = false;
    // A client that stops sending but keeps its socket would hold a temp file and a parser
    // forever: each chunk restarts the clock, and silence past it refuses the upload.
    let idle: NodeJS.Timeout | undefined;
    const awake = () => {
      clearTimeout(idle);
      if (settled) return;
      idle = setTimeout(
        () =>
          fail(bad(`The upload stopped arriving for ${Math.round(idleTimeoutMs / 1000)} s; send it again.`)),
        idleTimeoutMs,
      );
    };
    const fail = (err: unknown) => {
      clearTimeout(idle);
      if (settled) return;
      settled = true;
      body.stream.unpipe(guard);
      guard.unpipe(parser);
      guard.destroy();
      body.stop();
      counter?.destroy();
      parser.destroy();
      // The temp file goes once its writer has closed, before the caller hears of the refusal.
      // A write stream destroyed while still opening creates the file afterwards: wait for its close.
      fileClosed
        .then(() => unlink(tmpPath))
        .catch(() => undefined)
        .finally(() => reject(err instanceof HearthError ? err : asBad(err)));
    };

    parser.on('file', (name, file, info) => {
      // Destroyed with the parser when the upload is refused; its error is that refusal's echo.
      file.on('error', () => undefined);
      // Busboy finishes the chunk in hand after a refusal: nothing more may start a file.
      if (settled) return file.resume();
      if (name !== 'file' || written) {
        file.resume();
        return fail(bad('Send exactly one file, in a part named "file".'));
      }
      if (hasControl(info.filename)) {
        file.resume();
        return fail(bad('The file name has a control character (such as NUL) in it; rename the file.'));
      }
      fileName = safeFileName(info.filename);
      counter = meter(limit);
      const out = createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 });
      fileClosed = once(out, 'close').catch(() => undefined);
      written = pipeline(file, counter, out);
      written.catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (info.valueTruncated) return fail(bad(`A field's value has at most ${MAX_FIELD_BYTES} bytes.`));
      if (name === 'file') return fail(bad('The "file" part must be a file (it has no filename).'));
      if (name !== 'type') return; // a client's extra field: counted by the part limit, else ignored
      if (kind) return fail(bad('Send "type" once.'));
      if (!(UPLOAD_KINDS as readonly string[]).includes(value))
        return fail(bad(`"type" is one of ${UPLOAD_KINDS.join(', ')}.`));
      kind = value as UploadKind;
      // The file may have come first, counted against the largest limit until now.
      if (counter && counter.sizeBytes() > maxBytes(kind))
        fail(uploadErrors.tooLarge(undefined, { max_bytes: maxBytes(kind) }));
    });
    parser.on('partsLimit', () => fail(bad(`An upload has at most ${MAX_PARTS} parts.`)));
    parser.on('filesLimit', () => fail(bad('Send exactly one file, in a part named "file".')));
    parser.on('error', (err) => fail(asBad(err)));
    body.stream.on('error', () => fail(bad('The upload ended before it was complete.')));
    body.stream.on('close', () => {
      if (!body.stream.readableEnded) fail(bad('The upload ended before it was complete.'));
    });
    parser.on('close', () => {
      if (settled) return;
      if (!written || !counter) return fail(bad('Send exactly one file, in a part named "file".'));
      const meterOf = counter;
      written.then(() => {
        if (settled) return;
        const sizeBytes = meterOf.sizeBytes();
        // Seed 001's clients send no type and link the file in what they post: a family file.
        // Only an explicit attachment is private to its chat.
        const resolvedKind = kind ?? 'photo';
        if (sizeBytes > maxBytes(resolvedKind))
          return fail(uploadErrors.tooLarge(undefined, { max_bytes: maxBytes(resolvedKind) }));
        settled = true;
        clearTimeout(idle);
        resolve({ path: tmpPath, sizeBytes, sha256: meterOf.digest(), fileName, kind: resolvedKind });
      }, fail);
    });
    guard.on('error', fail);
    body.stream.on('data', awake);
    // All of it arrived: what is left (the temp file's last writes) is the server's to wait for.
    body.stream.on('end', () => clearTimeout(idle));
    awake();
    body.stream.pipe(guard).pipe(parser);
  });
}

/** The longest file name kept, in characters. */
export const MAX_FILE_NAME = 200;

/**
 * The name the uploader's device gave, made safe to store and to send back in a header: no
 * path, no control or bidirectional-override characters, no lone surrogates, at most 200
 * characters; refusing a weird name would only lose a photo over its label. (A control
 * character is refused before this, as only a hostile client sends one; this still drops any.)
 */
export function safeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const kept = Array.from(base).filter((ch) => !unsafe(ch.codePointAt(0) ?? 0));
  const cleaned = kept.join('').trim().replace(/^\.+/, '');
  return Array.from(cleaned).slice(0, MAX_FILE_NAME).join('') || 'file';
}

/** A C0 or C1 control (NUL first): no device names a file so, only a hostile client does. */
function hasControl(raw: string | undefined): boolean {
  return Array.from(raw ?? '').some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

/** C0/C1 controls, bidirectional marks and overrides (which disguise an extension), lone surrogates. */
function unsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

/** Busboy's own complaints (malformed header, unexpected end) are the client's: 400. */
function asBad(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return bad(`The upload is malformed: ${message}.`);
}
