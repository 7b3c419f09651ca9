// Where the bytes of uploads live, by an opaque key (the media domain uses the sha256, so
// identical files are one blob). Two stores behind one shape:
// - 'nats': JetStream's Object Store, so a NATS cluster replicates blobs with no extra component.
//   The bucket is names.kvBucket('media'), so a test namespace has its own (stream OBJ_<bucket>).
// - 'fs:<dir>': one file per key under dir, written to a temp name, fsynced, then renamed, so
//   a crash leaves either the whole blob or none of it.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageType } from '@nats-io/jetstream';
import { type ObjectStore, Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '../../contracts/subjects.ts';

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
 * @nats-io/obj reads an object whole, chunk by chunk (128 KiB each), with no range read. A range
 * is served by reading from the start and skipping to `start`, then stopping the read once
 * `end` is passed: a seek near the end of a 10 MB video reads 10 MB from NATS, milliseconds on
 * a hub's own server, in exchange for storing objects exactly as the Object Store does (any
 * NATS tool can read them). Note the library pushes chunks without back-pressure, so a slow
 * download holds at most one object (≤ MAX_FILE_SIZE) in memory.
 */
async function openObjectStore(input: {
  nc: NatsConnection;
  names: Names;
  replicas?: number;
}): Promise<BlobStore> {
  const bucket = input.names.kvBucket('media');
  const os: ObjectStore = await new Objm(input.nc).create(bucket, {
    replicas: input.replicas ?? 1,
    storage: StorageType.File,
    description: 'Hearth media blobs',
  });
  const live = async (key: string) => {
    const info = await os.info(checkKey(key));
    return info && !info.deleted ? info : undefined;
  };
  return {
    put: async (key, file) => {
      checkKey(key);
      const info = await os.put({ name: key }, toWeb(createReadStream(file)));
      return { sizeBytes: info.size };
    },
    has: async (key) => (await live(key)) !== undefined,
    size: async (key) => (await live(key))?.size,
    get: async (key, range) => {
      const result = await os.get(checkKey(key));
      if (!result) return undefined;
      const sizeBytes = result.info.size;
      // A failed read (corrupt digest, lost stream) errors the stream itself; this is only its echo.
      result.error.catch(() => undefined);
      const stream = range ? cut(result.data, range.start, Math.min(range.end, sizeBytes - 1)) : result.data;
      return { stream, sizeBytes };
    },
    remove: async (key) => {
      if (await live(key)) await os.delete(key);
    },
  };
}

/** Bytes [start, end] of a stream; stops reading the source once past end. */
function cut(source: ReadableStream<Uint8Array>, start: number, end: number): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (start > end) {
        controller.close();
        await reader.cancel();
        return;
      }
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        const from = offset;
        offset += value.length;
        if (offset <= start) continue;
        controller.enqueue(value.subarray(Math.max(0, start - from), Math.min(value.length, end + 1 - from)));
        if (offset > end) {
          controller.close();
          await reader.cancel();
        }
        return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
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
