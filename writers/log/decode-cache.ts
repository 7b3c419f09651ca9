// Decoded events shared by every reader in this process. Each delivered message reaches every
// read model and reactor that follows its stream, and the edge's chat follower, and each would
// decode it again (the sealed box opened, the protobuf read): a chat post, nine times over. The
// first reader decodes it; the others get the same StoredEvent, so readers must never change
// the events they are given (tests freeze them: freezeDecodedEvents).
//
// An entry is served only for the very bytes it was decoded from, at the same place in the
// same stream (a stream made again reuses its sequences), and never once the key it was
// opened with is destroyed: an erasure reads as erased at once, as without the cache.
import { keyErased } from './keys.ts';

/** Entries per stream: enough for read models a few batches apart; the oldest go first. */
const PER_STREAM = 4096;

type Entry<T> = {
  subject: string;
  /** The bytes it was decoded from, as a Buffer for a copy-free comparison. */
  data: Buffer;
  value: T;
  /** The key its personal fields were opened with ('' when none was). */
  keyId: string;
};

export type DecodeCache<T> = {
  /** The value decoded from these bytes at stream/seq, or what `decode` makes of them (kept when it succeeds). */
  get: (
    stream: string,
    msg: { seq: number; subject: string; data: Uint8Array },
    decode: () => { value: T; keyId: string },
  ) => T;
  clear: () => void;
};

let freezing = false;

/** Tests: every decoded event comes out deeply frozen, so a reader that changes one throws. */
export function freezeDecodedEvents(on: boolean): void {
  freezing = on;
}

export function createDecodeCache<T>(perStream = PER_STREAM): DecodeCache<T> {
  const streams = new Map<string, Map<number, Entry<T>>>();
  return {
    get(stream, msg, decode) {
      let entries = streams.get(stream);
      const hit = entries?.get(msg.seq);
      if (
        hit &&
        hit.subject === msg.subject &&
        hit.data.equals(msg.data) &&
        (hit.keyId === '' || !keyErased(hit.keyId))
      )
        return hit.value;
      const { value, keyId } = decode();
      if (freezing) deepFreeze(value);
      if (!entries) {
        entries = new Map();
        streams.set(stream, entries);
      }
      // A Map iterates in insertion order: the first key is the oldest entry.
      if (!hit && entries.size >= perStream) entries.delete(entries.keys().next().value as number);
      const data = Buffer.isBuffer(msg.data)
        ? msg.data
        : Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
      entries.set(msg.seq, { subject: msg.subject, data, value, keyId });
      return value;
    },
    clear: () => streams.clear(),
  };
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  // A typed array with elements cannot be frozen; a Date's time is no property.
  if (ArrayBuffer.isView(value) || value instanceof Date) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
