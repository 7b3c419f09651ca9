// The Object Store's chunks, read and tidied below the library (writers/media/blobs.ts uses
// these): where a range starts, a download pulled one chunk at a time, and the chunks a put that
// died midway left.
import { createHash } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ObjectInfo, ObjectStore } from '@nats-io/obj';
import type { LRUCache } from 'lru-cache';

/**
 * Where a read of bytes from `start` begins: the chunk floor(start / chunkSize), by its stream
 * sequence, and the offset of its first byte. Undefined (read from the first chunk) for a start
 * in the first chunk, or an object whose chunk count does not match one fixed chunk size (not
 * written the way this library writes): walking from the first is always right.
 */
export async function firstChunk(input: {
  js: JetStreamClient;
  stream: string;
  subject: string;
  info: ObjectInfo;
  start: number;
  chunkSeqs: LRUCache<string, number[]>;
}): Promise<{ seq: number; offset: number } | undefined> {
  const { info, start } = input;
  const chunkSize = info.options?.max_chunk_size ?? 128 * 1024;
  const index = Math.floor(start / chunkSize);
  if (index === 0 || info.chunks !== Math.ceil(info.size / chunkSize)) return undefined;
  let seqs = input.chunkSeqs.get(info.nuid);
  if (!seqs) {
    seqs = await chunkSequences(input.js, input.stream, input.subject, info.chunks);
    input.chunkSeqs.set(info.nuid, seqs);
  }
  const seq = seqs[index];
  return seq === undefined ? undefined : { seq, offset: index * chunkSize };
}

/** The stream sequence of each chunk of an object, in order, with no chunk's payload sent. */
async function chunkSequences(
  js: JetStreamClient,
  stream: string,
  subject: string,
  chunks: number,
): Promise<number[]> {
  // An ordered consumer is ephemeral, in memory and unacked; headers_only (nats-server 2.9)
  // delivers each message's sequence and headers without its 128 KiB.
  const consumer = await js.consumers.get(stream, { filter_subjects: subject, headers_only: true });
  try {
    const seqs: number[] = [];
    while (seqs.length < chunks) {
      const batch = await consumer.fetch({ max_messages: chunks - seqs.length, expires: 5000 });
      const before = seqs.length;
      for await (const m of batch) seqs.push(m.seq);
      if (seqs.length === before) throw new Error('the object has fewer chunks than its metadata says');
    }
    return seqs;
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

/**
 * The library puts an object's chunks first and its metadata last, and replaces or deletes one
 * by writing the metadata, then purging the old chunks: a put, replace or delete that died
 * midway leaves a chunk subject no metadata names, which no key reaches and list() never shows.
 * The chunk subjects are listed before the objects, so an object whose put ends in between is
 * seen with its metadata; a put still under way is publishing chunks now, so only a subject
 * whose newest chunk is at or before the cutoff goes.
 */
export async function removeStrayChunks(input: {
  jsm: JetStreamManager;
  store: ObjectStore;
  stream: string;
  bucket: string;
  cutoff: Date;
}): Promise<number> {
  const { jsm, stream } = input;
  const prefix = `$O.${input.bucket}.C.`;
  const state = (await jsm.streams.info(stream, { subjects_filter: `${prefix}>` })).state;
  const subjects = Object.keys(state.subjects ?? {});
  if (subjects.length === 0) return 0;
  const named = new Set((await input.store.list()).map((info) => info.nuid));
  let removed = 0;
  for (const subject of subjects) {
    if (named.has(subject.slice(prefix.length))) continue;
    const last = await jsm.direct.getMessage(stream, { last_by_subj: subject });
    if (!last || last.time.getTime() > input.cutoff.getTime()) continue;
    await jsm.streams.purge(stream, { filter: subject });
    removed += 1;
  }
  return removed;
}

/**
 * Bytes [start, end] of an object, pulled one chunk per read: the next chunk is fetched only
 * when the reader asks (highWaterMark 0), so nothing piles up behind a slow reader. `digest`
 * (SHA-256=<base64>) is checked at the end of a whole read.
 */
export function pulledChunks(input: {
  jsm: JetStreamManager;
  stream: string;
  subject: string;
  /** The chunk to read first (its stream sequence) and the object offset of its first byte. */
  from: { seq: number; offset: number };
  start: number;
  end: number;
  digest: string | undefined;
  gauge: { buffered: number; fetched: number };
}): ReadableStream<Uint8Array> {
  const { jsm, subject, start, end, gauge } = input;
  const hash = input.digest ? createHash('sha256') : undefined;
  let seq = input.from.seq;
  let offset = input.from.offset;
  let held = 0;
  const release = () => {
    gauge.buffered -= held;
    held = 0;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // What the reader took since the last pull is no longer held here.
        release();
        for (;;) {
          if (offset > end) {
            if (hash && input.digest && !sameDigest(input.digest, hash.digest())) {
              return controller.error(new Error('received a corrupt object: digests do not match'));
            }
            return controller.close();
          }
          const m = await jsm.direct.getMessage(input.stream, { seq, next_by_subj: subject });
          if (!m) return controller.error(new Error('the object ended before its size'));
          gauge.fetched += 1;
          seq = m.seq + 1;
          const data = m.data;
          const from = offset;
          offset += data.length;
          hash?.update(data);
          if (offset <= start || data.length === 0) continue;
          const piece = data.subarray(Math.max(0, start - from), Math.min(data.length, end + 1 - from));
          held = piece.length;
          gauge.buffered += held;
          controller.enqueue(piece);
          return;
        }
      },
      cancel: () => release(),
    },
    { highWaterMark: 0 },
  );
}

/** The Object Store writes SHA-256=<base64url>; older writers wrote standard base64. */
function sameDigest(expected: string, computed: Buffer): boolean {
  const encoded = expected.replace(/^SHA-256=/i, '');
  return Buffer.from(encoded, 'base64').equals(computed);
}
