import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllowedContentType } from '../../contracts/media.api.ts';
import { sniffType } from './sniff.ts';

const FIXTURES = path.join(import.meta.dirname, '../../test/fixtures/media');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-sniff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const image = (format: 'jpeg' | 'png' | 'gif' | 'webp') =>
  sharp({ create: { width: 4, height: 3, channels: 3, background: '#c0ffee' } })
    .toFormat(format)
    .toBuffer();

/** The smallest PDF a reader opens: one empty page, written by hand. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function write(name: string, bytes: Buffer | string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, bytes);
  return p;
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { status: number; code: string } | undefined;
  if (!err) throw new Error('expected a refusal');
  return { status: err.status, code: err.code };
}

const REFUSED = { status: 415, code: 'media.type_not_allowed' };

describe('the type of an upload, by its bytes', () => {
  it.each([
    ['image/jpeg', () => image('jpeg')],
    ['image/png', () => image('png')],
    ['image/gif', () => image('gif')],
    ['image/webp', () => image('webp')],
    ['application/pdf', async () => PDF],
  ] as const)('knows %s', async (type: AllowedContentType, make: () => Promise<Buffer>) => {
    // named as something else, so only the bytes can tell
    expect(await sniffType(await write(`sample-${type.replace('/', '-')}.txt`, await make()))).toBe(type);
  });

  it('knows MP4 and WebM videos', async () => {
    const mp4 = path.join(dir, 'clip.bin');
    await copyFile(path.join(FIXTURES, 'tiny.mp4'), mp4);
    expect(await sniffType(mp4)).toBe('video/mp4');
    const webm = path.join(dir, 'clip2.bin');
    await copyFile(path.join(FIXTURES, 'tiny.webm'), webm);
    expect(await sniffType(webm)).toBe('video/webm');
  });

  it('refuses a Windows executable named photo.jpg', async () => {
    // "MZ", then a PE header where e_lfanew points
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    expect(await refusal(sniffType(await write('photo.jpg', pe)))).toEqual(REFUSED);
  });

  it('refuses a renamed ELF binary (this very node)', async () => {
    const renamed = path.join(dir, 'holiday.png');
    await copyFile(process.execPath, renamed).catch(async () => {
      await writeFile(
        renamed,
        Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64)]),
      );
    });
    expect(await refusal(sniffType(renamed))).toEqual(REFUSED);
  });

  it('refuses what has no magic number at all: text, HTML, SVG, an empty file', async () => {
    for (const [name, bytes] of [
      ['notes.jpg', 'just some words'],
      ['page.png', '<!doctype html><script>alert(1)</script>'],
      ['logo.webp', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['empty.gif', ''],
    ] as const) {
      expect(await refusal(sniffType(await write(name, bytes)))).toEqual(REFUSED);
    }
  });

  it('refuses an allowed magic number followed by another file: a ZIP is not a PDF', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100)]);
    expect(await refusal(sniffType(await write('doc.pdf', zip)))).toEqual(REFUSED);
  });
});
