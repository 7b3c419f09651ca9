// The canonical encoding of a stored event and its link, pure: no I/O. The chainer runs it once
// per event, so it encodes into one reused buffer and hashes it in one call (the same encoding
// from stored bytes, for verify: canonical-raw.ts).
//
// link(n) = SHA-256(link(n-1) ‖ event(n)), where link(first - 1) is the anchor (32 zero bytes
// at a stream's first event) and event(n) is the canonical encoding below, defined once:
//   u64 seq ‖ u32 len ‖ subject ‖ u32 count ‖ (u32 len ‖ name ‖ u32 len ‖ value)* ‖ u32 len ‖ payload
// big-endian, strings UTF-8, headers sorted by name (bytewise), each name's values in order,
// a value without the spaces around it.
// Headers the server adds to a read (direct get) or acts on at publish (expectations) are not
// the event's: they are left out, so the same event hashes the same however it is read.
import { hash } from 'node:crypto';
import { headersRoom, putRawHeaders, SERVER_HEADERS } from './raw-headers.ts';

export const LINK_BYTES = 32;
export const ZERO_LINK: Uint8Array = new Uint8Array(LINK_BYTES);

/** A stored event as the chain sees it: its place, its subject, headers and bytes. */
export type ChainEvent = {
  seq: number;
  subject: string;
  /** Name → values in order, as stored. */
  headers: ReadonlyArray<readonly [string, readonly string[]]>;
  payload: Uint8Array;
  /**
   * The headers as stored ("NATS/1.0\r\nName: value\r\n…"), when the reader has them: encoded
   * from these bytes, the same as from `headers`, without decoding them to strings first.
   */
  rawHeaders?: Uint8Array | undefined;
};

/** Whether a header belongs to the event (not one the server adds on a read or acts on at publish). */
export function chainedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return !SERVER_HEADERS.has(lower) && !lower.startsWith('nats-expected-');
}

// By the names' UTF-8 bytes, as the raw path sorts them.
const byName = (a: readonly [string, readonly string[]], b: readonly [string, readonly string[]]) =>
  Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));

// Every event is encoded into one reused buffer: verify hashes a million of them, and a
// buffer per field would cost more than the hash.
let scratch = Buffer.allocUnsafe(4096);
let at = 0;
const room = (n: number) => {
  if (at + n <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + n));
  scratch.copy(bigger, 0, 0, at);
  scratch = bigger;
};
const putU32 = (n: number) => {
  room(4);
  scratch.writeUInt32BE(n, at);
  at += 4;
};
const putStr = (s: string) => {
  room(4 + s.length * 3);
  const n = scratch.write(s, at + 4, 'utf8');
  scratch.writeUInt32BE(n, at);
  at += 4 + n;
};

// The encoding starts LINK_BYTES in, so a link can put the previous link in front and hash one
// buffer: one hash call per event.
const BODY = LINK_BYTES;

function putSeq(seq: number): void {
  at = BODY;
  room(8);
  scratch.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), at);
  scratch.writeUInt32BE(seq >>> 0, at + 4);
  at += 8;
}

/** Encodes the event without its payload (the payload's length last) into the scratch buffer. */
function putPrefix(event: ChainEvent): void {
  putSeq(event.seq);
  putStr(event.subject);
  if (event.rawHeaders) {
    const raw = event.rawHeaders;
    room(headersRoom(raw.byteLength));
    at = putRawHeaders(
      scratch,
      at,
      Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
      0,
      raw.byteLength,
    );
    putU32(event.payload.length);
    return;
  }
  let headers = event.headers;
  let sorted = true;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as readonly [string, readonly string[]];
    const prev = headers[i - 1];
    if (!chainedHeader(h[0]) || (prev !== undefined && byName(prev, h) >= 0)) {
      sorted = false;
      break;
    }
  }
  if (!sorted) headers = headers.filter(([name]) => chainedHeader(name)).sort(byName);
  putU32(headers.length);
  for (const [name, values] of headers) {
    putStr(name);
    putU32(values.length);
    for (const v of values) putStr(v);
  }
  putU32(event.payload.length);
}

/**
 * The canonical bytes of one event without its payload (the payload follows its length).
 * A view of a reused buffer: valid until the next call.
 */
export function eventPrefix(event: ChainEvent): Buffer {
  putPrefix(event);
  return scratch.subarray(BODY, at);
}

/** Hashes the previous link and the encoded event in the scratch buffer: one call. */
function hashScratch(previous: Uint8Array): Buffer {
  scratch.set(previous, 0);
  return hash('sha256', scratch.subarray(0, at), 'buffer');
}

/** link(n) from link(n-1) and event n. */
export function link(previous: Uint8Array, event: ChainEvent): Uint8Array {
  putPrefix(event);
  room(event.payload.length);
  scratch.set(event.payload, at);
  at += event.payload.length;
  return hashScratch(previous);
}
