// The canonical encoding of a stored event and its link, pure: no I/O. Verify runs it once per
// event of a whole stream, so it encodes into one reused buffer and hashes it in one update().
//
// link(n) = SHA-256(link(n-1) ‖ event(n)), where link(first - 1) is the anchor (32 zero bytes
// at a stream's first event) and event(n) is the canonical encoding below, defined once:
//   u64 seq ‖ u32 len ‖ subject ‖ u32 count ‖ (u32 len ‖ name ‖ u32 len ‖ value)* ‖ u32 len ‖ payload
// big-endian, strings UTF-8, headers sorted by name (bytewise), each name's values in order,
// a value without the spaces around it.
// Headers the server adds to a read (direct get) or acts on at publish (expectations) are not
// the event's: they are left out, so the same event hashes the same however it is read.
import { createHash } from 'node:crypto';

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

const SERVER_HEADERS = new Set([
  'nats-stream',
  'nats-sequence',
  'nats-time-stamp',
  'nats-subject',
  'nats-last-sequence',
  'nats-num-pending',
]);

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
// buffer: one update() per event.
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
    putRawHeaders(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), 0, raw.byteLength);
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

const CR = 13;
const LF = 10;
const COLON = 58;
const isSpace = (c: number | undefined) => c === 32 || c === 9;

// Header spans of the event being encoded, as offsets: name start, name end, value start, value end.
let spans = new Int32Array(64);
let order = new Int32Array(16);

const LEFT_OUT = [...SERVER_HEADERS].map((h) => Buffer.from(h));
const EXPECTED = Buffer.from('nats-expected-');

/** Whether b[s, s + want.length) is `want` (lower case) in any case. */
function sameFold(b: Buffer, s: number, want: Buffer): boolean {
  for (let k = 0; k < want.length; k++) if (((b[s + k] ?? 0) | 32) !== want[k]) return false;
  return true;
}

/** Whether the name at b[s, e) is a header the chain leaves out (a few Nats-* ones). */
function serverHeaderAt(b: Buffer, s: number, e: number): boolean {
  const n = e - s;
  // "Nats-" in any case: anything else is the event's.
  if (n < 5 || ((b[s] ?? 0) | 32) !== 110 || ((b[s + 1] ?? 0) | 32) !== 97 || b[s + 4] !== 45) return false;
  if (n >= EXPECTED.length && sameFold(b, s, EXPECTED)) return true;
  for (const h of LEFT_OUT) if (h.length === n && sameFold(b, s, h)) return true;
  return false;
}

/** Names x and y (span indexes) compared bytewise: short, so a loop beats a native call. */
function nameCompare(b: Buffer, sp: Int32Array, x: number, y: number): number {
  let i = sp[x * 4] as number;
  const ie = sp[x * 4 + 1] as number;
  let j = sp[y * 4] as number;
  const je = sp[y * 4 + 1] as number;
  for (; i < ie && j < je; i++, j++) {
    const d = (b[i] as number) - (b[j] as number);
    if (d !== 0) return d;
  }
  return ie - i - (je - j);
}

/** b[s, e) after a u32 length at out[p]; answers the offset after it. */
function copyRange(out: Buffer, p: number, b: Buffer, s: number, e: number): number {
  const n = e - s;
  out[p] = n >>> 24;
  out[p + 1] = (n >>> 16) & 255;
  out[p + 2] = (n >>> 8) & 255;
  out[p + 3] = n & 255;
  p += 4;
  for (let i = s; i < e; i++) out[p++] = b[i] as number;
  return p;
}

/**
 * The stored header block b[start, end) ("NATS/1.0\r\nName: value\r\n…"), canonically.
 * Hot (once per event in verify): one pass in JS over short lines, locals rather than the
 * module's variables in the loops.
 */
function putRawHeaders(b: Buffer, start: number, end: number): void {
  let k = 0;
  let sp = spans;
  let i = start;
  while (i < end && b[i] !== LF) i++;
  i++;
  while (i < end) {
    let lineEnd = i;
    let colon = -1;
    for (; lineEnd < end; lineEnd++) {
      const c = b[lineEnd];
      if (c === CR) break;
      if (c === COLON && colon < 0) colon = lineEnd;
    }
    if (lineEnd === i) break;
    if (colon > -1 && !serverHeaderAt(b, i, colon)) {
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && isSpace(b[vs])) vs++;
      while (ve > vs && isSpace(b[ve - 1])) ve--;
      if ((k + 1) * 4 > sp.length) {
        const bigger = new Int32Array(sp.length * 2);
        bigger.set(sp);
        spans = sp = bigger;
      }
      sp[k * 4] = i;
      sp[k * 4 + 1] = colon;
      sp[k * 4 + 2] = vs;
      sp[k * 4 + 3] = ve;
      k++;
    }
    i = lineEnd + 2;
  }
  if (order.length < k) order = new Int32Array(sp.length / 4);
  const ord = order;
  // Insertion sort, stable: a name's values keep their order (a handful of headers).
  for (let x = 0; x < k; x++) {
    let y = x;
    while (y > 0 && nameCompare(b, sp, ord[y - 1] as number, x) > 0) {
      ord[y] = ord[y - 1] as number;
      y--;
    }
    ord[y] = x;
  }
  // Each header's bytes, plus at most 12 of lengths and counts, fit in what its line took.
  room(4 + (end - start) + 12 * k);
  const out = scratch;
  let p = at + 4;
  let names = 0;
  for (let x = 0; x < k; ) {
    const first = ord[x] as number;
    let n = 1;
    while (x + n < k && nameCompare(b, sp, first, ord[x + n] as number) === 0) n++;
    p = copyRange(out, p, b, sp[first * 4] as number, sp[first * 4 + 1] as number);
    out.writeUInt32BE(n, p);
    p += 4;
    for (let j = 0; j < n; j++) {
      const s = ord[x + j] as number;
      p = copyRange(out, p, b, sp[s * 4 + 2] as number, sp[s * 4 + 3] as number);
    }
    names++;
    x += n;
  }
  out.writeUInt32BE(names, at);
  at = p;
}

const putRange = (b: Buffer, s: number, e: number) => {
  room(4 + e - s);
  // Subjects are short: a loop beats a native copy; a payload is copied natively.
  if (e - s < 64) {
    at = copyRange(scratch, at, b, s, e);
    return;
  }
  scratch.writeUInt32BE(e - s, at);
  b.copy(scratch, at + 4, s, e);
  at += 4 + e - s;
};

/** Hashes the previous link and the encoded event in the scratch buffer: one update(). */
function hashScratch(previous: Uint8Array): Buffer {
  scratch.set(previous, 0);
  return createHash('sha256').update(scratch.subarray(0, at)).digest();
}

/** link(n) from link(n-1) and event n. */
export function link(previous: Uint8Array, event: ChainEvent): Uint8Array {
  putPrefix(event);
  room(event.payload.length);
  scratch.set(event.payload, at);
  at += event.payload.length;
  return hashScratch(previous);
}

/**
 * link(n) of a message as it came off the wire, without decoding it: its subject, stored
 * header block (empty when it has none) and payload are ranges of `b`.
 */
export function linkWire(
  previous: Uint8Array,
  b: Buffer,
  seq: number,
  subject: number,
  subjectEnd: number,
  headers: number,
  headersEnd: number,
  payloadEnd: number,
): Buffer {
  putSeq(seq);
  putRange(b, subject, subjectEnd);
  if (headersEnd > headers) putRawHeaders(b, headers, headersEnd);
  else putU32(0);
  putRange(b, headersEnd, payloadEnd);
  return hashScratch(previous);
}
