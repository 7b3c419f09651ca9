import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats } from '../../test/services.ts';
import { type BlobStore, openBlobStore } from './blobs.ts';

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

let nats: Awaited<ReturnType<typeof testNats>>;
let work: string;
// Several of the Object Store's 128 KiB chunks, and not a whole number of them.
const content = randomBytes(3 * 128 * 1024 + 1234);
let source: string;

beforeAll(async () => {
  nats = await testNats();
  work = await mkdtemp(path.join(tmpdir(), 'hearth-blobs-'));
  source = path.join(work, 'source.bin');
  await writeFile(source, content);
});
afterAll(async () => {
  await nats?.cleanup();
  await rm(work, { recursive: true, force: true });
});

const STORES = ['nats', 'fs'] as const;

describe.each(STORES)('the %s blob store', (kind) => {
  let store: BlobStore;
  const key = createHash('sha256').update(content).digest('hex');

  beforeAll(async () => {
    store = await openBlobStore({
      spec: kind === 'nats' ? 'nats' : `fs:${path.join(work, 'store')}`,
      nc: nats.nc,
      names: nats.names,
    });
  });

  it('keeps a file under its key, and gives the bytes back whole', async () => {
    expect(await store.has(key)).toBe(false);
    expect(await store.put(key, source)).toEqual({ sizeBytes: content.length });
    expect(await store.has(key)).toBe(true);
    expect(await store.size(key)).toBe(content.length);
    const got = await store.get(key);
    expect(got?.sizeBytes).toBe(content.length);
    expect((await bytesOf(got?.stream as ReadableStream<Uint8Array>)).equals(content)).toBe(true);
  });

  it('gives a range back, inclusive, across chunk boundaries and to the end', async () => {
    for (const [start, end] of [
      [0, 0],
      [10, 99],
      [128 * 1024 - 5, 128 * 1024 + 5],
      [200_000, content.length - 1],
      [content.length - 1, content.length - 1],
    ] as const) {
      const got = await store.get(key, { start, end });
      expect(got?.sizeBytes).toBe(content.length);
      const bytes = await bytesOf(got?.stream as ReadableStream<Uint8Array>);
      expect(bytes.equals(content.subarray(start, end + 1))).toBe(true);
    }
    // an end past the blob is cut to its last byte
    const tail = await store.get(key, { start: content.length - 10, end: content.length + 100 });
    expect((await bytesOf(tail?.stream as ReadableStream<Uint8Array>)).length).toBe(10);
  });

  it('reads the first bytes of a blob without waiting for the rest', async () => {
    const got = await store.get(key, { start: 0, end: 15 });
    const bytes = await bytesOf(got?.stream as ReadableStream<Uint8Array>);
    expect(bytes.equals(content.subarray(0, 16))).toBe(true);
  });

  it('keeps an empty file', async () => {
    const empty = path.join(work, `empty-${kind}`);
    await writeFile(empty, '');
    expect(await store.put('empty', empty)).toEqual({ sizeBytes: 0 });
    const got = await store.get('empty');
    expect(got?.sizeBytes).toBe(0);
    expect((await bytesOf(got?.stream as ReadableStream<Uint8Array>)).length).toBe(0);
  });

  it('answers undefined for a missing key, and removing one is not an error', async () => {
    expect(await store.has('missing')).toBe(false);
    expect(await store.size('missing')).toBeUndefined();
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.get('missing', { start: 0, end: 10 })).toBeUndefined();
    await store.remove('missing');
  });

  it('removes a blob', async () => {
    await store.put('gone', source);
    await store.remove('gone');
    expect(await store.has('gone')).toBe(false);
    expect(await store.get('gone')).toBeUndefined();
    await store.remove('gone');
  });

  it('refuses keys that are not opaque names', async () => {
    for (const bad of ['', '..', '.hidden', 'a/b', '../etc', 'x'.repeat(201), 'a b', 'ä']) {
      await expect(store.has(bad)).rejects.toThrow(/not a blob key/);
      await expect(store.put(bad, source)).rejects.toThrow(/not a blob key/);
    }
  });
});

describe('the nats blob store, when the server has lost its object store', () => {
  it('finds no blobs, then keeps new ones in a bucket made again', async () => {
    const store = await openBlobStore({ spec: 'nats', nc: nats.nc, names: nats.names });
    await store.put('before', source);
    const jsm = await jetstreamManager(nats.nc);
    await jsm.streams.delete(`OBJ_${nats.names.kvBucket('media')}`);
    expect(await store.has('before')).toBe(false);
    expect(await store.get('before')).toBeUndefined();
    await store.remove('before');
    expect(await store.put('after', source)).toEqual({ sizeBytes: content.length });
    expect(await store.size('after')).toBe(content.length);
    await jsm.streams.delete(`OBJ_${nats.names.kvBucket('media')}`);
    expect(await store.put('again', source)).toEqual({ sizeBytes: content.length });
  });
});

describe('the nats blob store, read slowly', () => {
  const CHUNK = 128 * 1024;
  const big = randomBytes(10 * 1024 * 1024);
  let store: BlobStore;

  beforeAll(async () => {
    store = await openBlobStore({ spec: 'nats', nc: nats.nc, names: nats.names });
    const file = path.join(work, 'big.bin');
    await writeFile(file, big);
    await store.put('big', file);
  });

  it('holds at most one chunk for a reader that takes its time, and the bytes are right', async () => {
    const got = await store.get('big');
    if (!got) throw new Error('no blob');
    const reader = got.stream.getReader();
    const parts: Buffer[] = [];
    let most = 0;
    for (;;) {
      // Between two reads the reader is "slow": whatever the store fetched meanwhile is counted.
      await nats.nc.flush();
      most = Math.max(most, store.bufferedBytes());
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true);
    expect(most).toBeLessThanOrEqual(CHUNK);
    expect(store.bufferedBytes()).toBe(0);
  });

  it('holds one chunk per seek, however many seek near the end at once, and none once cancelled', async () => {
    const seeks = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.get('big', { start: big.length - CHUNK * (i + 1) - 7, end: big.length - 1 }),
      ),
    );
    const readers = seeks.map((s) => {
      if (!s) throw new Error('no blob');
      return s.stream.getReader();
    });
    for (const [i, reader] of readers.entries()) {
      const { value } = await reader.read();
      const start = big.length - CHUNK * (i + 1) - 7;
      expect(Buffer.from(value ?? []).equals(big.subarray(start, start + (value?.length ?? 0)))).toBe(true);
    }
    await nats.nc.flush();
    expect(store.bufferedBytes()).toBeLessThanOrEqual(8 * CHUNK);
    await Promise.all(readers.map((r) => r.cancel()));
    expect(store.bufferedBytes()).toBe(0);
  });

  it('fetches only the chunks a range near the end needs, not every chunk before it', async () => {
    const read = async (start: number, end: number) => {
      const before = store.chunksFetched();
      const got = await store.get('big', { start, end });
      const bytes = await bytesOf(got?.stream as ReadableStream<Uint8Array>);
      expect(bytes.equals(big.subarray(start, end + 1))).toBe(true);
      return store.chunksFetched() - before;
    };
    // The last 760 bytes: inside the 80th chunk, asked twice (the second from the cached sequences).
    expect(await read(10_485_000, 10_485_759)).toBe(1);
    expect(await read(10_485_000, 10_485_759)).toBe(1);
    // Across a chunk boundary in the middle: the two chunks either side.
    expect(await read(40 * CHUNK - 3, 40 * CHUNK + 3)).toBe(2);
    // The first chunk's last byte, and a whole read: every chunk, once.
    expect(await read(CHUNK - 1, CHUNK - 1)).toBe(1);
    expect(await read(0, big.length - 1)).toBe(big.length / CHUNK);
  });

  it('lists what it keeps, with when it was stored', async () => {
    const listed = await store.list();
    const entry = listed.find((e) => e.key === 'big');
    expect(entry?.storedAt).toBeInstanceOf(Date);
  });
});

describe('the fs blob store, when a write fails', () => {
  it('leaves no half file: neither a new key nor a changed one', async () => {
    const dir = path.join(work, 'crash');
    const store = await openBlobStore({ spec: `fs:${dir}`, nc: nats.nc, names: nats.names });
    await expect(store.put('new', path.join(work, 'no-such-file'))).rejects.toThrow();
    expect(await store.has('new')).toBe(false);
    await store.put('kept', source);
    // a directory opens, then fails on its first read: the write dies midway
    await expect(store.put('kept', work)).rejects.toThrow();
    const kept = await store.get('kept');
    expect((await bytesOf(kept?.stream as ReadableStream<Uint8Array>)).equals(content)).toBe(true);
    expect(await readdir(path.join(dir, '.incoming'))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.incoming', 'kept']);
  });
});

describe('leftovers of a put that died midway', () => {
  const HOUR = 60 * 60_000;
  const past = () => new Date(Date.now() - HOUR);
  const future = () => new Date(Date.now() + HOUR);

  it('in the Object Store, chunks no metadata names go once past the cutoff; objects stay whole', async () => {
    const store = await openBlobStore({ spec: 'nats', nc: nats.nc, names: nats.names });
    await store.put('whole', source);
    const bucket = nats.names.kvBucket('media');
    const stream = `OBJ_${bucket}`;
    const stray = `$O.${bucket}.C.straynuid${randomBytes(4).toString('hex')}`;
    // What a put that died before its metadata leaves: chunks on a subject nothing names.
    const js = jetstream(nats.nc);
    await js.publish(stray, randomBytes(128 * 1024));
    await js.publish(stray, randomBytes(1000));
    const jsm = await jetstreamManager(nats.nc);
    const strayCount = async () =>
      (await jsm.streams.info(stream, { subjects_filter: stray })).state.subjects?.[stray] ?? 0;
    expect(await strayCount()).toBe(2);

    // Too young: a put under way looks the same.
    expect(await store.removeLeftovers(past())).toBe(0);
    expect(await strayCount()).toBe(2);

    expect(await store.removeLeftovers(future())).toBe(1);
    expect(await strayCount()).toBe(0);
    const got = await store.get('whole');
    expect((await bytesOf(got?.stream as ReadableStream<Uint8Array>)).equals(content)).toBe(true);
    expect(await store.removeLeftovers(future())).toBe(0);
  });

  it('in a directory, .part files untouched since the cutoff go; blobs and younger ones stay', async () => {
    const dir = path.join(work, 'leftovers');
    const store = await openBlobStore({ spec: `fs:${dir}`, nc: nats.nc, names: nats.names });
    await store.put('whole', source);
    const old = path.join(dir, '.incoming', 'old.part');
    const young = path.join(dir, '.incoming', 'young.part');
    await writeFile(old, 'half');
    await writeFile(young, 'half');
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
    await utimes(old, twoHoursAgo, twoHoursAgo);

    expect(await store.removeLeftovers(past())).toBe(1);
    expect(await readdir(path.join(dir, '.incoming'))).toEqual(['young.part']);
    expect(await store.has('whole')).toBe(true);
    expect(await store.removeLeftovers(future())).toBe(1);
    expect(await readdir(path.join(dir, '.incoming'))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.incoming', 'whole']);
  });
});
