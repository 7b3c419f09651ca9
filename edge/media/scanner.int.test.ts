import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import {
  EICAR,
  EICAR_SIGNATURE,
  type PrivateClamd,
  startClamd,
  WITHOUT_CLAMD_REASON,
  withoutClamd,
} from '../../test/clamd.ts';
import { createScanner, parseClamdUrl } from './scanner.ts';

async function rejection(p: Promise<unknown>): Promise<HearthError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HearthError)) throw new Error(`expected a HearthError, got ${String(err)}`);
  return err;
}

describe('a CLAMD_URL', () => {
  it('names a TCP address, a unix socket, or a bare socket path', () => {
    expect(parseClamdUrl('tcp://127.0.0.1:3310')).toEqual({ host: '127.0.0.1', port: 3310 });
    expect(parseClamdUrl('unix:/run/clamav/clamd.ctl')).toEqual({ path: '/run/clamav/clamd.ctl' });
    expect(parseClamdUrl('/run/clamav/clamd.ctl')).toEqual({ path: '/run/clamav/clamd.ctl' });
    expect(() => parseClamdUrl('http://127.0.0.1:3310')).toThrow(/tcp:\/\/host:port/);
  });
});

describe('when no scanner is configured', () => {
  it('is unavailable: it says so, and every scan is refused with 503', async () => {
    const scanner = createScanner({ url: undefined });
    expect(scanner.configured).toBe(false);
    expect(await scanner.ping()).toBe(false);
    const err = await rejection(scanner.scan('/etc/hostname'));
    expect(err.status).toBe(503);
    expect(err.code).toBe('media.scanner_unavailable');
    expect(err.details?.retryAfterSeconds).toBe(30);
  });
});

describe.skipIf(withoutClamd)(`a real clamd${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`, () => {
  let clamd: PrivateClamd;
  let dir: string;
  const file = async (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    await writeFile(p, content);
    return p;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-scan-'));
    // A small StreamMaxLength, so a file over it costs a megabyte, not the default 25.
    clamd = await startClamd({ streamMaxLength: '1M' });
  }, 90_000);
  afterAll(async () => {
    await clamd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers PING', async () => {
    const scanner = createScanner({ url: clamd.url });
    expect(scanner.configured).toBe(true);
    expect(await scanner.ping()).toBe(true);
  });

  it('finds EICAR, by its signature', async () => {
    const scanner = createScanner({ url: clamd.url });
    expect(await scanner.scan(await file('eicar.com', EICAR))).toEqual({
      clean: false,
      signature: expect.stringContaining(EICAR_SIGNATURE),
    });
  });

  it('passes a clean file, over several frames', async () => {
    const scanner = createScanner({ url: clamd.url });
    expect(await scanner.scan(await file('clean.bin', randomBytes(300 * 1024)))).toEqual({ clean: true });
    expect(await scanner.scan(await file('empty.txt', ''))).toEqual({ clean: true });
  });

  it('refuses, failing closed, a file larger than its StreamMaxLength', async () => {
    const scanner = createScanner({ url: clamd.url });
    const err = await rejection(scanner.scan(await file('big.bin', randomBytes(3 * 1024 * 1024))));
    expect(err.code).toBe('media.scanner_unavailable');
    expect(err.status).toBe(503);
    // and it still answers the next one
    expect(await scanner.scan(await file('eicar2.com', EICAR))).toEqual({
      clean: false,
      signature: expect.stringContaining(EICAR_SIGNATURE),
    });
  });

  it('fails closed with 503 when clamd does not answer in time', async () => {
    const silent: Server = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    try {
      const scanner = createScanner({ url: `tcp://127.0.0.1:${address.port}`, timeoutMs: 300 });
      expect(await scanner.ping()).toBe(false);
      const err = await rejection(scanner.scan(await file('clean2.txt', 'hello')));
      expect(err.code).toBe('media.scanner_unavailable');
    } finally {
      silent.close();
    }
  });

  it('fails closed with 503 once clamd has stopped', async () => {
    const scanner = createScanner({ url: clamd.url });
    await clamd.stop();
    expect(await scanner.ping()).toBe(false);
    const err = await rejection(scanner.scan(await file('clean3.txt', 'hello')));
    expect(err.status).toBe(503);
    expect(err.code).toBe('media.scanner_unavailable');
  });
});
