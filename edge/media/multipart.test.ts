// The multipart boundary, by property: whatever bytes arrive, an upload is either a file whose
// hash and size are right, or a 4xx with a stable code, and no temp file outlives a refusal.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthError } from '../../contracts/errors.ts';
import type { UploadKind } from '../../contracts/media.api.ts';
import { MAX_FILE_NAME, receiveUpload, safeFileName } from './multipart.ts';
import { contentDisposition, parseRange } from './serve.ts';

const BOUNDARY = 'prop-boundary-3f9a';
const LIMITS: Record<UploadKind, number> = { avatar: 200, attachment: 2000, photo: 2000 };
let tmpDir: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(tmpdir(), 'hearth-multipart-prop-'));
});
afterAll(async () => {
  await rm(tmpDir, { recursive: true, force: true });
});

const request = (body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
  new Request('http://hub/upload', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  });

type Part = { name: string; fileName?: string; value: Uint8Array };

const encode = (parts: Part[], closed: boolean) =>
  Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.fileName === undefined ? '' : `; filename="${p.fileName}"`}\r\n\r\n`,
      ),
      Buffer.from(p.value),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(closed ? `--${BOUNDARY}--\r\n` : ''),
  ]);

const part: fc.Arbitrary<Part> = fc.record(
  {
    name: fc.constantFrom('file', 'type', 'note', 'x'),
    fileName: fc.constantFrom('a.jpg', 'b', '../c.png'),
    value: fc.oneof(
      fc.uint8Array({ maxLength: 2500 }),
      fc.constantFrom('avatar', 'photo', 'attachment', 'nope').map((s) => new TextEncoder().encode(s)),
    ),
  },
  { requiredKeys: ['name', 'value'] },
);

/** Well-formed bodies of random parts, and random bytes spliced into them. */
const body = fc.oneof(
  fc
    .record({ parts: fc.array(part, { maxLength: 12 }), closed: fc.boolean() })
    .map(({ parts, closed }) => encode(parts, closed)),
  fc
    .tuple(fc.array(part, { maxLength: 4 }), fc.uint8Array({ maxLength: 300 }), fc.nat())
    .map(([parts, noise, at]) => {
      const whole = encode(parts, true);
      const cut = whole.length === 0 ? 0 : at % whole.length;
      return Buffer.concat([whole.subarray(0, cut), noise, whole.subarray(cut)]);
    }),
);

describe('any multipart body', () => {
  it('is a right file or a 4xx with a code, and leaves no temp file behind when refused', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (bytes) => {
        try {
          const file = await receiveUpload({ request: request(bytes), maxBytes: (k) => LIMITS[k], tmpDir });
          expect(file.sizeBytes).toBeLessThanOrEqual(LIMITS[file.kind]);
          const onDisk = await import('node:fs/promises').then((fs) => fs.readFile(file.path));
          expect(onDisk.length).toBe(file.sizeBytes);
          expect(createHash('sha256').update(onDisk).digest('hex')).toBe(file.sha256);
          expect(safeFileName(file.fileName)).toBe(file.fileName);
          await rm(file.path);
        } catch (err) {
          if (!(err instanceof HearthError)) throw err;
          expect([400, 413]).toContain(err.status);
          expect(err.code).toMatch(/^media\.(bad_multipart|too_large)$/);
        }
        expect(await readdir(tmpDir)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a file name', () => {
  it('is safe whatever the device sent: no path, no controls, no leading dot, at most 200 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const name = safeFileName(raw);
        expect(name.length).toBeGreaterThan(0);
        expect(Array.from(name).length).toBeLessThanOrEqual(MAX_FILE_NAME);
        expect(name).not.toMatch(/[/\\]/);
        expect(name.startsWith('.')).toBe(false);
        expect(Array.from(name).every((ch) => (ch.codePointAt(0) ?? 0) >= 0x20)).toBe(true);
        // no lone surrogate survives
        expect(encodeURIComponent(name)).toBeTruthy();
        const header = contentDisposition(raw, true);
        expect(header).toMatch(/^[\x20-\x7e]+$/);
      }),
    );
  });
});

describe('a Range header', () => {
  it('gives a range inside the file, the whole file, or unsatisfiable', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.string({ maxLength: 30 }),
        fc.nat(20_000),
        fc.nat(20_000),
        (size, junk, a, b) => {
          for (const header of [junk, `bytes=${a}-${b}`, `bytes=${a}-`, `bytes=-${a}`]) {
            const wanted = parseRange(header, size);
            if (typeof wanted === 'string') continue;
            expect(wanted.start).toBeGreaterThanOrEqual(0);
            expect(wanted.start).toBeLessThanOrEqual(wanted.end);
            expect(wanted.end).toBeLessThan(size);
          }
        },
      ),
    );
  });
});
