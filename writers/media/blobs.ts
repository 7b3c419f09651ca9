// Where the bytes of uploads live, by an opaque key (the media domain uses the sha256, so
// identical files are one blob). Two stores behind one shape:
// - 'nats': JetStream's Object Store, so a NATS cluster replicates blobs with no extra component.
//   The bucket is names.kvBucket('media'), so a test namespace has its own (stream OBJ_<bucket>).
// - 'fs:<dir>': one file per key under dir, written to a temp name, fsynced, then renamed, so
//   a crash leaves either the whole blob or none of it.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { type ObjectStore, Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { LRUCache } from 'lru-cache';
import type { Names } from '../../contracts/subjects.ts';
import { isStreamNotFound } from '../log/upkeep.ts';
import { firstChunk, pulledChunks, removeStrayChunks } from './blob-chunks.ts';

export type BlobStore = {
  put(key: string, path: string): Promise<{ sizeBytes: number }>; // from a local file (streamed)
  has(key: string): Promise<boolean>;
  /**
   * Bytes [start, end] inclusive when range given (end past the blob is cut to its last byte);
   * undefined when the key is missing. sizeBytes is always the whole blob's size.
   */
  get(
    key: string,
    range?: { start: number; end: number },
  ): Promise<{ stream: ReadableStream<Uint8Array>; sizeBytes: number } | undefined>;
  size(key: string): Promise<number | undefined>;
  remove(key: string): Promise<void>; // missing key is not an error
  /** Every stored key with when it was stored, for the sweeper (projectors/media-sweep). */
  list(): Promise<{ key: string; storedAt: Date }[]>;
  /** Bytes read from the store that no download's reader has taken yet (back-pressure's gauge). */
  bufferedBytes(): number;
  /** Object Store chunks fetched for downloads so far (0 for a directory): what a range costs. */
  chunksFetched(): number;
  /**
   * Removes what a put that died midway left, stored at or before `cutoff`: bytes no key will
   * ever name (a directory's .incoming/*.part; Object Store chunks with no object's metadata).
   * Returns how many such leftovers went.
   */
  removeLeftovers(cutoff: Date): Promise<number>;
};

/** Keys are opaque, and safe as a file name: no path, no leading dot (so never '.' or '..'). */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key.slice(0, 40))}`);
  return key;
}

export async function openBlobStore(input: {
  spec: 'nats' | `fs:${string}`;
  nc: NatsConnection;
  names: Names;
  replicas?: number;
}): Promise<BlobStore> {
  if (input.spec === 'nats') return openObjectStore(input);
  const dir = input.spec.slice('fs:'.length);
  if (!dir) throw new Error('MEDIA_STORE=fs:<dir> needs a directory');
  return openFileStore(path.resolve(dir));
}

/** The whole web stream of a node Readable, typed as the DOM's (the two are the same at runtime). */
const toWeb = (readable: Readable) => Readable.toWeb(readable) as unknown as ReadableStream<Uint8Array>;

// --- JetStream Object Store ------------------------------------------------------------------

/**
 * @nats-io/obj reads an object through a push consumer that sends every chunk at once, with no
 * back-pressure and no range read: a slow download, or each of N seeks into a video, would hold
 * the whole object in memory. So downloads here read the object's chunks (128 KiB each, on the
 * subject $O.<bucket>.C.<nuid>) one direct get at a time, only when the reader asks for more:
 * at most one chunk per download is held. Chunks are of one size (the object's
 * max_chunk_size; the last may be shorter), so a range starts at chunk floor(start / size): the
 * stream sequence of each chunk is learnt once per object from a headers-only consumer on its
 * chunk subject (no payload moves) and kept in a small LRU by the object's nuid (an object put
 * again gets a new nuid, so an entry never goes stale), so a seek near the end of a 10 MB video
 * fetches the one or two chunks it answers with, not the 80 before them. A range stops after
 * `end`. A whole read checks the object's digest, as the library does. Objects are stored exactly as the Object Store stores them (put is the
 * library's), so any NATS tool can read them.
 */
async function openObjectStore(input: {
  nc: NatsConnection;
  names: Names;
  replicas?: number;
}): Promise<BlobStore> {
  const bucket = input.names.kvBucket('media');
  const create = () =>
    new Objm(input.nc).create(bucket, {
      replicas: input.replicas ?? 1,
      storage: StorageType.File,
      description: 'Hearth media blobs',
    });
  let os: ObjectStore = await create();
  const jsm = await jetstreamManager(input.nc);
  const js = jetstream(input.nc);
  const stream = `OBJ_${bucket}`;
  const gauge = { buffered: 0, fetched: 0 };
  // 80 sequences for a 10 MB object: a few thousand objects' worth is well under a megabyte.
  const chunkSeqs = new LRUCache<string, number[]>({ max: 2048 });
  // A server that lost its store (a fresh disk, a deleted stream) has no blobs: reads find
  // none, and the bucket is made again so the next put works, as upkeep does for the log.
  const reach = async <T>(
    work: (store: ObjectStore) => Promise<T>,
    lost: () => T | Promise<T>,
  ): Promise<T> => {
    try {
      return await work(os);
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
      os = await create();
      return lost();
    }
  };
  const live = (key: string) =>
    reach(
      async (store) => {
        const info = await store.info(checkKey(key));
        return info && !info.deleted && !info.options?.link ? info : undefined;
      },
      () => undefined,
    );
  const put = async (store: ObjectStore, key: string, file: string) => {
    const info = await store.put({ name: key }, toWeb(createReadStream(file)));
    return { sizeBytes: info.size };
  };
  return {
    put: async (key, file) => {
      checkKey(key);
      return reach(
        (store) => put(store, key, file),
        () => put(os, key, file),
      );
    },
    has: async (key) => (await live(key)) !== undefined,
    size: async (key) => (await live(key))?.size,
    get: async (key, range) => {
      const info = await live(key);
      if (!info) return undefined;
      const sizeBytes = info.size;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? sizeBytes - 1, sizeBytes - 1);
      if (start > end) return { stream: toWeb(Readable.from([])), sizeBytes };
      const subject = `$O.${bucket}.C.${info.nuid}`;
      const from = await firstChunk({ js, stream, subject, info, start, chunkSeqs });
      const body = pulledChunks({
        jsm,
        stream,
        subject,
        from: from ?? { seq: 1, offset: 0 },
        start,
        end,
        digest: range ? undefined : info.digest,
        gauge,
      });
      return { stream: body, sizeBytes };
    },
    remove: async (key) => {
      if (await live(key))
        await reach(
          (store) => store.delete(key),
          () => undefined,
        );
    },
    list: async () =>
      reach(
        async (store) =>
          (await store.list())
            .filter((info) => !info.deleted && KEY.test(info.name))
            .map((info) => ({ key: info.name, storedAt: new Date(info.mtime) })),
        () => [],
      ),
    bufferedBytes: () => gauge.buffered,
    chunksFetched: () => gauge.fetched,
    removeLeftovers: (cutoff) =>
      reach(
        (store) => removeStrayChunks({ jsm, store, stream, bucket, cutoff }),
        () => 0,
      ),
  };
}

// --- A directory ---------------------------------------------------------------------------

/** Half-written blobs live here until renamed into place; keys never start with a dot. */
const INCOMING = '.incoming';

async function openFileStore(dir: string): Promise<BlobStore> {
  const incoming = path.join(dir, INCOMING);
  await mkdir(incoming, { recursive: true });
  const fileOf = (key: string) => path.join(dir, checkKey(key));
  const sizeOf = async (key: string) => {
    try {
      return (await stat(fileOf(key))).size;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };
  return {
    put: async (key, from) => {
      const target = fileOf(key);
      const temp = path.join(incoming, `${randomUUID()}.part`);
      try {
        // flush: fsync before close, so the rename below never publishes bytes still in a cache.
        await pipeline(
          createReadStream(from),
          createWriteStream(temp, { flags: 'wx', mode: 0o600, flush: true }),
        );
        await rename(temp, target);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      await syncDir(dir);
      return { sizeBytes: (await stat(target)).size };
    },
    has: async (key) => (await sizeOf(key)) !== undefined,
    size: sizeOf,
    get: async (key, range) => {
      // Opened once, then measured and read through the same descriptor: a remove in between
      // cannot turn a found blob into a failed read.
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(fileOf(key), 'r');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      const sizeBytes = (await handle.stat()).size;
      const end = range ? Math.min(range.end, sizeBytes - 1) : sizeBytes - 1;
      const start = range?.start ?? 0;
      if (start > end) {
        await handle.close();
        return { stream: toWeb(Readable.from([])), sizeBytes };
      }
      const stream = handle.createReadStream({ start, end, autoClose: true });
      return { stream: toWeb(stream), sizeBytes };
    },
    remove: async (key) => {
      await rm(fileOf(key), { force: true });
    },
    list: async () => {
      const found: { key: string; storedAt: Date }[] = [];
      for (const name of await readdir(dir)) {
        if (!KEY.test(name)) continue;
        const at = await stat(path.join(dir, name)).catch(() => undefined);
        if (at?.isFile()) found.push({ key: name, storedAt: at.mtime });
      }
      return found;
    },
    // A file's read stream reads as its reader reads: nothing is held beyond its own buffer.
    bufferedBytes: () => 0,
    chunksFetched: () => 0,
    // A put that died before its rename (a crash, so no unlink) left its temp file here; a put
    // under way writes to its own, so only one untouched since the cutoff goes.
    removeLeftovers: async (cutoff) => {
      let removed = 0;
      for (const name of await readdir(incoming)) {
        if (!name.endsWith('.part')) continue;
        const file = path.join(incoming, name);
        const at = await stat(file).catch(() => undefined);
        if (!at?.isFile() || at.mtime.getTime() > cutoff.getTime()) continue;
        await rm(file, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}

/** The rename is durable once the directory's entry is. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'ENOENT';
}
