import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import type { UploadKind } from '../../contracts/media.api.ts';
import { errorResponse } from '../http/errors.ts';
import { closeAfterRefusal, LINGER_BYTES, type ReceivedFile, receiveUpload } from './multipart.ts';

const LIMITS: Record<UploadKind, number> = { avatar: 64 * 1024, attachment: 1024 * 1024, photo: 1024 * 1024 };
const maxBytes = (kind: UploadKind) => LIMITS[kind];
const BOUNDARY = '----hearthBoundary7MA4YWxk';

let tmpDir: string;
let server: Server;
let port: number;
/** What each receiveUpload ended with, in order: the file or the error's code. */
const outcomes: (ReceivedFile | string)[] = [];
/** Bytes each closed connection had read from its client. */
const consumed: number[] = [];

function uploadApp(): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.onError((err, c) =>
    err instanceof HearthError
      ? errorResponse(c, err)
      : c.json({ error: err.message, code: 'internal' }, 500),
  );
  app.post('/upload', async (c) => {
    try {
      const file = await receiveUpload({ request: c.env.incoming, maxBytes, tmpDir });
      outcomes.push(file);
      return c.json(file);
    } catch (err) {
      outcomes.push((err as { code?: string }).code ?? 'unknown');
      closeAfterRefusal(c);
      throw err;
    }
  });
  return app;
}

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(tmpdir(), 'hearth-multipart-'));
  server = createAdaptorServer({ fetch: uploadApp().fetch }) as Server;
  server.on('connection', (socket) => socket.on('close', () => consumed.push(socket.bytesRead)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  port = address.port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(tmpDir, { recursive: true, force: true });
});

type Part = { name: string; value: string | Buffer; fileName?: string; headers?: string };

function form(parts: Part[], boundary = BOUNDARY, end = true): Buffer {
  const pieces: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.fileName === undefined ? '' : `; filename="${p.fileName}"`}`;
    const type = p.fileName === undefined ? '' : 'Content-Type: image/jpeg\r\n';
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}${p.headers ?? ''}\r\n`,
        'latin1',
      ),
    );
    pieces.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    pieces.push(Buffer.from('\r\n'));
  }
  if (end) pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

async function post(body: Buffer | string, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const res = await fetch(`http://127.0.0.1:${port}/upload`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(typeof body === 'string' ? Buffer.from(body, 'latin1') : body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const refused = (status: number, code: string) => ({
  status,
  body: { error: expect.any(String), code, ...(status === 413 ? { details: expect.anything() } : {}) },
});

/** Every refusal leaves nothing behind. */
async function tmpIsEmpty(): Promise<void> {
  await vi.waitFor(async () => expect(await readdir(tmpDir)).toEqual([]));
}

describe('an upload, streamed to a temp file', () => {
  it('keeps the file, with its sha256, size, safe name and kind', async () => {
    const bytes = randomBytes(300 * 1024);
    const res = await post(
      form([
        { name: 'file', value: bytes, fileName: 'C:\\Users\\me\\Pictures\\beach.jpg' },
        { name: 'type', value: 'photo' },
      ]),
    );
    expect(res.status).toBe(200);
    const file = res.body as ReceivedFile;
    expect(file.sizeBytes).toBe(bytes.length);
    expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(file.fileName).toBe('beach.jpg');
    expect(file.kind).toBe('photo');
    expect((await readFile(file.path)).equals(bytes)).toBe(true);
    await rm(file.path);
  });

  it('is a family photo when no type is given (seed 001’s clients), and ignores a harmless extra field', async () => {
    const res = await post(
      form([
        { name: 'caption', value: 'hi' },
        { name: 'file', value: 'abc', fileName: 'a.txt' },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('photo');
    await rm(res.body.path as string);
  });

  it('also reads a web Request (app.request, c.req.raw)', async () => {
    const app = new Hono();
    app.onError((err, c) =>
      err instanceof HearthError
        ? errorResponse(c, err)
        : c.json({ error: err.message, code: 'internal' }, 500),
    );
    app.post('/upload', async (c) => c.json(await receiveUpload({ request: c.req.raw, maxBytes, tmpDir })));
    const ok = await app.request('/upload', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(form([{ name: 'file', value: 'hello', fileName: 'h.txt' }])),
    });
    const file = (await ok.json()) as ReceivedFile;
    expect(file.sha256).toBe(createHash('sha256').update('hello').digest('hex'));
    await rm(file.path);
    const big = await app.request('/upload', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(
        form([{ name: 'file', value: randomBytes(LIMITS.photo + 1), fileName: 'big.jpg' }]),
      ),
    });
    expect(big.status).toBe(413);
    await tmpIsEmpty();
  });

  /** The file part named by RFC 8187's filename*, the form that can carry any character. */
  const named = (raw: string) =>
    post(
      form([{ name: 'file', value: 'x', fileName: 'ignored', headers: '' }])
        .toString('latin1')
        .replace('filename="ignored"', `filename*=UTF-8''${encodeURIComponent(raw)}`),
    );

  it('sanitises a file name with a path, a bidirectional override and 300 characters', async () => {
    const res = await named(`../../evil\u202e${'n'.repeat(300)}.jpg`);
    expect(res.status).toBe(200);
    expect(res.body.fileName).toBe(`evil${'n'.repeat(196)}`);
    await rm(res.body.path as string);
  });

  it.each([
    ['NUL', '\u0000'],
    ['a C0 control', '\u0001'],
    ['a C1 control', '\u0085'],
  ])('refuses a file name with %s in it (400, the envelope), keeping nothing', async (_, char) => {
    expect(await named(`beach${char}.jpg`)).toEqual(refused(400, 'media.bad_multipart'));
    await tmpIsEmpty();
  });

  it('refuses raw control bytes in a part header (busboy does), with the envelope', async () => {
    expect(await post(form([{ name: 'file', value: 'x', fileName: 'a\0b.jpg' }]))).toEqual(
      refused(400, 'media.bad_multipart'),
    );
    await tmpIsEmpty();
  });
});

describe('a file over the limit', () => {
  it('is refused with 413 once its limit is passed', async () => {
    const res = await post(
      form([{ name: 'file', value: randomBytes(LIMITS.photo + 1), fileName: 'big.jpg' }]),
    );
    expect(res).toEqual(refused(413, 'media.too_large'));
    await tmpIsEmpty();
  });

  it('as an avatar, when the type comes first or after the file', async () => {
    const file = { name: 'file', value: randomBytes(LIMITS.avatar + 1), fileName: 'me.jpg' };
    const avatar = { name: 'type', value: 'avatar' };
    expect(await post(form([avatar, file]))).toEqual(refused(413, 'media.too_large'));
    expect(await post(form([file, avatar]))).toEqual(refused(413, 'media.too_large'));
    const fits = await post(form([{ ...file, value: randomBytes(LIMITS.avatar) }, avatar]));
    expect(fits.status).toBe(200);
    await rm(fits.body.path as string);
    await tmpIsEmpty();
  });

  it('is answered while the body is still coming, and the server stops reading it', async () => {
    const head = form([{ name: 'file', value: Buffer.alloc(0), fileName: 'huge.jpg' }], BOUNDARY, false);
    const { answer, sent, read, heapGrowth } = await sendEndlessly({
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
      head: head.subarray(0, -2),
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"media.too_large"');
    expect(sent).toBeLessThan(TOTAL);
    // The limit (1 MB), what the kernel's buffers held when the answer went, and the lingering
    // read that lets the client hear it: far from 200 MB.
    expect(read).toBeLessThan(LIMITS.photo + LINGER_BYTES + 16 * 1024 * 1024);
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
    await tmpIsEmpty();
  });

  it('that is not even multipart is refused at once, and the server stops reading it', async () => {
    const { answer, sent, read } = await sendEndlessly({
      contentType: 'application/octet-stream',
      head: Buffer.alloc(0),
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"code":"media.bad_multipart"');
    expect(sent).toBeLessThan(TOTAL);
    expect(read).toBeLessThan(LINGER_BYTES + 16 * 1024 * 1024);
  });
});

/** 200 MB, generated as the socket takes it: the client keeps sending until it hears back. */
const TOTAL = 200 * 1024 * 1024;

async function sendEndlessly(input: { contentType: string; head: Buffer }) {
  const heapBefore = process.memoryUsage().heapUsed;
  const before = consumed.length;
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  let sent = 0;
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.includes('}')) resolve();
    });
    socket.on('close', () => resolve());
  });
  socket.on('error', () => undefined);
  socket.write(
    `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${input.contentType}\r\nContent-Length: ${TOTAL}\r\n\r\n`,
  );
  socket.write(input.head);
  sent += input.head.length;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let heard = false;
  answered.then(() => {
    heard = true;
  });
  while (!heard && !socket.destroyed && sent < TOTAL) {
    sent += chunk.length;
    if (!socket.write(chunk))
      await Promise.race([
        new Promise((r) => socket.once('drain', r)),
        answered,
        new Promise((r) => socket.once('close', r)),
      ]);
  }
  await answered;
  socket.destroy();
  await vi.waitFor(() => expect(consumed.length).toBeGreaterThan(before));
  const read = consumed[consumed.length - 1] ?? Number.POSITIVE_INFINITY;
  return { answer, sent, read, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
}

describe('hostile multipart input gets a 4xx with the envelope, and the server stays up', () => {
  const bad = refused(400, 'media.bad_multipart');

  it('refuses a body that is not multipart, or has no boundary', async () => {
    expect(await post(Buffer.from('{}'), 'application/json')).toEqual(bad);
    expect(await post(form([{ name: 'file', value: 'x', fileName: 'a' }]), 'multipart/form-data')).toEqual(
      bad,
    );
    // a boundary that is never in the body
    expect(
      await post(
        form([{ name: 'file', value: 'x', fileName: 'a' }]),
        'multipart/form-data; boundary=nothere',
      ),
    ).toEqual(bad);
  });

  it('refuses no file, two files, a file part without a name, and a wrong type', async () => {
    expect(await post(form([{ name: 'type', value: 'photo' }]))).toEqual(bad);
    const one = { name: 'file', value: 'x', fileName: 'a.jpg' };
    expect(await post(form([one, one]))).toEqual(bad);
    expect(await post(form([{ name: 'other', value: 'x', fileName: 'a.jpg' }]))).toEqual(bad);
    expect(await post(form([{ name: 'file', value: 'x' }]))).toEqual(bad);
    expect(await post(form([one, { name: 'type', value: 'virus' }]))).toEqual(bad);
    expect(
      await post(form([{ name: 'type', value: 'photo' }, { name: 'type', value: 'photo' }, one])),
    ).toEqual(bad);
    await tmpIsEmpty();
  });

  it('refuses thousands of parts', async () => {
    const parts = Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, value: 'x' }));
    expect(await post(form([...parts, { name: 'file', value: 'x', fileName: 'a' }]))).toEqual(bad);
  });

  it('refuses a field value over 1 KiB', async () => {
    expect(
      await post(
        form([
          { name: 'note', value: 'x'.repeat(1025) },
          { name: 'file', value: 'x', fileName: 'a' },
        ]),
      ),
    ).toEqual(bad);
  });

  it('refuses part headers over 8 KiB, wherever the chunks cut them', async () => {
    for (const size of [8 * 1024, 20 * 1024, 200 * 1024]) {
      const huge = {
        name: 'file',
        value: 'x',
        fileName: 'a.jpg',
        headers: `X-Padding: ${'p'.repeat(size)}\r\n`,
      };
      expect(await post(form([huge]))).toEqual(bad);
    }
    const longName = { name: 'file', value: 'x', fileName: `${'n'.repeat(9000)}.jpg` };
    expect(await post(form([longName]))).toEqual(bad);
    // just under the limit is fine
    const fits = {
      name: 'file',
      value: 'x',
      fileName: 'a.jpg',
      headers: `X-Padding: ${'p'.repeat(7 * 1024)}\r\n`,
    };
    const ok = await post(form([{ name: 'note', value: 'n' }, fits]));
    expect(ok.status).toBe(200);
    await rm(ok.body.path as string);
  });

  it('refuses a body that ends in the middle of a part', async () => {
    const cut = form([{ name: 'file', value: randomBytes(1000), fileName: 'a.jpg' }], BOUNDARY, false);
    expect(await post(cut)).toEqual(bad);
    await tmpIsEmpty();
  });

  it('lets go of a part that never ends when the client closes', async () => {
    const before = outcomes.length;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 1000000\r\n\r\n`,
    );
    socket.write(
      form([{ name: 'file', value: randomBytes(5000), fileName: 'a.jpg' }], BOUNDARY, false).subarray(
        0,
        3000,
      ),
    );
    await vi.waitFor(async () => expect((await readdir(tmpDir)).length).toBe(1));
    socket.destroy();
    await vi.waitFor(() => expect(outcomes.length).toBe(before + 1));
    expect(outcomes[before]).toBe('media.bad_multipart');
    await tmpIsEmpty();
  });

  it('still takes a clean upload afterwards', async () => {
    const res = await post(form([{ name: 'file', value: 'still here', fileName: 'ok.txt' }]));
    expect(res.status).toBe(200);
    await rm(res.body.path as string);
  });
});
