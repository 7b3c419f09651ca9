// Stored once, without races: uploads of the same bytes at the same moment, on real NATS and a
// real blob store (a directory, so what is stored can be listed), end with one storage key
// that every upload points at; each loser of the race removed its own put. The scanner here
// answers clean at once: clamd itself is tested in scanner.int.test.ts and over the hub.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { blobIdOf } from '../../writers/media/blob.ts';
import { type BlobStore, openBlobStore } from '../../writers/media/blobs.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import type { ReceivedFile } from './multipart.ts';
import type { Scanner } from './scanner.ts';
import { storeUpload } from './upload.ts';

let rt: TestRuntime;
let dir: string;
let storeDir: string;
let store: BlobStore;
let sample: string;

const clean: Scanner = { configured: true, ping: async () => true, scan: async () => ({ clean: true }) };
const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'ann',
  correlationId: 'test',
  now: new Date(),
});
const stored = async () => (await readdir(storeDir)).filter((f) => !f.startsWith('.')).sort();

/** A received upload of the sample, as multipart.ts leaves it: its own temp file. */
async function received(sha256: string): Promise<ReceivedFile> {
  const to = path.join(dir, `upload-${randomUUID()}`);
  await copyFile(sample, to);
  return { path: to, sizeBytes: (await stat(to)).size, sha256, fileName: 'same.jpg', kind: 'photo' };
}

beforeAll(async () => {
  rt = await openTestRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-upload-'));
  storeDir = path.join(dir, 'store');
  store = await openBlobStore({ spec: `fs:${storeDir}`, nc: rt.log.nc, names: rt.log.names });
  sample = path.join(dir, 'sample.jpg');
  await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 1, g: 2, b: 3 } } })
    .jpeg()
    .toFile(sample);
});
afterAll(async () => {
  await rt?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('uploads of the same bytes at the same moment', () => {
  it('end with one key holding them, pointed at by every upload, and no temp file left', async () => {
    // Each upload its own writer, as on separate edges: no shared cache decides for them.
    const writers: MediaWriter[] = Array.from({ length: 6 }, () =>
      createMediaWriter({ appender: createAppender({ log: rt.log }) }),
    );
    const sha256 = 'f'.repeat(64);
    const files = await Promise.all(writers.map(() => received(sha256)));
    const results = await Promise.all(
      writers.map((writer, i) =>
        storeUpload(
          {
            file: files[i] as ReceivedFile,
            fileId: `f${i}`,
            ownerId: 'ann',
            stripLocation: true,
            meta: meta(),
          },
          { writer, store, scanner: clean, logger: pino({ level: 'silent' }) },
        ),
      ),
    );
    expect(results.map((r) => r.fileId).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    // Stored with its location stripped (the family asks): the "-s" variant of these bytes.
    const blob = await createMediaWriter({ appender: createAppender({ log: rt.log }) }).blob(
      blobIdOf(sha256, true),
    );
    expect(Object.keys(blob.refs).sort()).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(await stored()).toEqual([blob.key, `${blob.key}.thumb`]);
    expect((await readdir(dir)).filter((f) => f.startsWith('upload-'))).toEqual([]);
  });
});

describe('the same bytes under another location policy', () => {
  const writer = () => createMediaWriter({ appender: createAppender({ log: rt.log }) });
  const deps = (over: Partial<BlobStore> = {}) => ({
    writer: writer(),
    store: { ...store, ...over },
    scanner: clean,
    logger: pino({ level: 'silent' }),
  });
  const once = async (sha256: string, fileId: string, stripLocation: boolean, over?: Partial<BlobStore>) =>
    storeUpload(
      { file: await received(sha256), fileId, ownerId: 'ann', stripLocation, meta: meta() },
      deps(over),
    );

  it('is stored again without its location when the family turns stripping on, each variant once', async () => {
    const sha256 = 'e'.repeat(64);
    const before = await stored();
    await once(sha256, 'p1', false);
    await once(sha256, 'p2', true);
    await once(sha256, 'p3', false);
    await once(sha256, 'p4', true);
    const asSent = await writer().blob(blobIdOf(sha256, false));
    const stripped = await writer().blob(blobIdOf(sha256, true));
    expect(Object.keys(asSent.refs).sort()).toEqual(['p1', 'p3']);
    expect(Object.keys(stripped.refs).sort()).toEqual(['p2', 'p4']);
    expect(asSent.key).not.toBe(stripped.key);
    const added = (await stored()).filter((k) => !before.includes(k));
    expect(added.sort()).toEqual(
      [asSent.key, `${asSent.key}.thumb`, stripped.key, `${stripped.key}.thumb`].sort(),
    );
  });

  it('leaves no original behind when its thumbnail cannot be put', async () => {
    const before = await stored();
    const failing = {
      put: async (key: string, file: string) => {
        if (key.endsWith('.thumb')) throw new Error('store went away');
        return store.put(key, file);
      },
    };
    await expect(once('d'.repeat(64), 'p5', false, failing)).rejects.toThrow('store went away');
    expect(await stored()).toEqual(before);
  });
});
