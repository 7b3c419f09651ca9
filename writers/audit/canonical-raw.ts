// The canonical encoding (canonical.ts) of an event from its stored bytes, without decoding
// them: the header block as it lies ("NATS/1.0\r\nName: value\r\n…"), and a whole message as
// the wire reader cut it. Hot: verify runs it once per event of a stream, so it works in
// locals over one reused buffer, looks at bytes four at a time where it can, and hashes each
// event with one native call.
import { hash } from 'node:crypto';

const LINK_BYTES = 32;
const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;
const TAB = 9;
const DASH = 45;
const COLONS = 0x3a3a3a3a;
const CRS = 0x0d0d0d0d;

/** Headers the server adds to a read (lower case): not the event's (with Nats-Expected-*). */
export const SERVER_HEADERS: ReadonlySet<string> = new Set([
  'nats-stream',
  'nats-sequence',
  'nats-time-stamp',
  'nats-subject',
  'nats-last-sequence',
  'nats-num-pending',
]);
const LEFT_OUT = [...SERVER_HEADERS].map((h) => Buffer.from(h));
const EXPECTED = Buffer.from('nats-expected-');

/** Whether b[s, s + want.length) is `want` (lower case) in any case. */
function sameFold(b: Buffer, s: number, want: Buffer): boolean {
  for (let k = 0; k < want.length; k++) if (((b[s + k] as number) | 32) !== want[k]) return false;
  return true;
}

/** Whether the name at b[s, e) is a header the chain leaves out (a few Nats-* ones). */
function serverHeaderAt(b: Buffer, s: number, e: number): boolean {
  const n = e - s;
  // "Nats-" in any case: anything else is the event's.
  if (n < 5 || ((b[s] as number) | 32) !== 110 || ((b[s + 1] as number) | 32) !== 97 || b[s + 4] !== DASH)
    return false;
  if (n >= EXPECTED.length && sameFold(b, s, EXPECTED)) return true;
  for (const h of LEFT_OUT) if (h.length === n && sameFold(b, s, h)) return true;
  return false;
}

/** The high bit of each byte of `v` that is zero, set; exact (no carry from one byte to the next). */
const zeroBytes = (v: number) => ~(((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v | 0x7f7f7f7f);

// Views over the buffers last read and written, for four bytes at a time (big-endian: the
// first byte in memory is the highest, so clz32 finds the first match). A wire buffer holds
// dozens of messages: its view is made once.
type Viewed = { of: Buffer | undefined; view: DataView };
const input: Viewed = { of: undefined, view: new DataView(new ArrayBuffer(0)) };
const output: Viewed = { of: undefined, view: input.view };
const viewOf = (c: Viewed, b: Buffer): DataView => {
  if (c.of !== b) {
    c.of = b;
    c.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return c.view;
};

/** The first CR (or, with `colon`, CR or ':') in b[i, end), or end. */
function scan(b: Buffer, v: DataView, i: number, end: number, colon: boolean): number {
  for (; i + 4 <= end; i += 4) {
    const w = v.getInt32(i);
    const m = colon ? zeroBytes(w ^ CRS) | zeroBytes(w ^ COLONS) : zeroBytes(w ^ CRS);
    if (m !== 0) return i + (Math.clz32(m) >> 3);
  }
  for (; i < end; i++) {
    const c = b[i];
    if (c === CR || (colon && c === COLON)) return i;
  }
  return end;
}

const putU32 = (out: DataView, p: number, n: number): number => {
  out.setUint32(p, n);
  return p + 4;
};

/** b[s, e) after its u32 length at out[p]; answers the offset after it. */
function putRange(o: Buffer, out: DataView, p: number, b: Buffer, v: DataView, s: number, e: number): number {
  const n = e - s;
  out.setUint32(p, n);
  p += 4;
  // Short ranges (names, values, subjects) four bytes at a time; a payload natively.
  if (n > 96) return p + b.copy(o, p, s, e);
  let i = s;
  for (; i + 4 <= e; i += 4, p += 4) out.setInt32(p, v.getInt32(i));
  for (; i < e; i++) o[p++] = b[i] as number;
  return p;
}

// Each kept header as offsets into the block: name start, name end, value start, value end;
// and their order by name.
let spans = new Int32Array(64);
let order = new Int32Array(16);

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

/** The most bytes the canonical headers of a block of `n` bytes take (a 3-byte line takes 12). */
export const headersRoom = (n: number): number => 4 + 4 * n;

/**
 * The stored header block b[start, end) canonically (the count of names, then each name with
 * its values), written at o[p]: answers the offset after it. `o` has headersRoom(end - start)
 * bytes from p. Lines without a colon and the headers the chain leaves out are skipped; a
 * value is taken without the spaces and tabs around it; the block ends at an empty line.
 */
export function putRawHeaders(o: Buffer, p: number, b: Buffer, start: number, end: number): number {
  const v = viewOf(input, b);
  let k = 0;
  let sp = spans;
  let i = start;
  // "NATS/1.0" (and a status, if any) up to the first LF.
  while (i < end && b[i] !== LF) i++;
  i++;
  while (i < end) {
    const name = i;
    let lineEnd = scan(b, v, i, end, true);
    let colon = -1;
    if (lineEnd < end && b[lineEnd] === COLON) {
      colon = lineEnd;
      lineEnd = scan(b, v, colon + 1, end, false);
    }
    if (lineEnd === name) break;
    if (colon > -1 && !serverHeaderAt(b, name, colon)) {
      let vs = colon + 1;
      let ve = lineEnd;
      let c = b[vs];
      while (vs < ve && (c === SPACE || c === TAB)) c = b[++vs];
      c = b[ve - 1];
      while (ve > vs && (c === SPACE || c === TAB)) c = b[--ve - 1];
      if ((k + 1) * 4 > sp.length) {
        const bigger = new Int32Array(sp.length * 2);
        bigger.set(sp);
        spans = sp = bigger;
      }
      const at = k * 4;
      sp[at] = name;
      sp[at + 1] = colon;
      sp[at + 2] = vs;
      sp[at + 3] = ve;
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
  return putSorted(o, viewOf(output, o), p, b, v, sp, ord, k);
}

/** The kept headers in name order, each name once with its values. */
function putSorted(
  o: Buffer,
  out: DataView,
  p: number,
  b: Buffer,
  v: DataView,
  sp: Int32Array,
  ord: Int32Array,
  k: number,
): number {
  const countAt = p;
  p += 4;
  let names = 0;
  for (let x = 0; x < k; ) {
    const first = ord[x] as number;
    let n = 1;
    while (x + n < k && nameCompare(b, sp, first, ord[x + n] as number) === 0) n++;
    p = putRange(o, out, p, b, v, sp[first * 4] as number, sp[first * 4 + 1] as number);
    p = putU32(out, p, n);
    for (let j = 0; j < n; j++) {
      const s = ord[x + j] as number;
      p = putRange(o, out, p, b, v, sp[s * 4 + 2] as number, sp[s * 4 + 3] as number);
    }
    names++;
    x += n;
  }
  putU32(out, countAt, names);
  return p;
}

// The previous link, then the event being encoded: hashed in one call. The link it yields is
// written back over the first 32 bytes, where the next event's encoding expects it.
let scratch = Buffer.allocUnsafe(16384);
let scratchLink = scratch.subarray(0, LINK_BYTES);

/**
 * link(n) of a message as it came off the wire, without decoding it: its subject, stored
 * header block (empty when it has none) and payload are ranges of `b`. The answer is a view
 * that the next call overwrites: verify only chains it on, and copies what it keeps.
 */
export function chainWire(
  previous: Uint8Array,
  b: Buffer,
  seq: number,
  subject: number,
  subjectEnd: number,
  headers: number,
  headersEnd: number,
  payloadEnd: number,
): Uint8Array {
  const need = LINK_BYTES + 16 + (subjectEnd - subject) + headersRoom(headersEnd - headers);
  if (need + payloadEnd - headersEnd > scratch.length) {
    scratch = Buffer.allocUnsafe(Math.max(need + payloadEnd - headersEnd, scratch.length * 2));
    scratchLink = scratch.subarray(0, LINK_BYTES);
  }
  const o = scratch;
  if (previous !== scratchLink) o.set(previous, 0);
  const out = viewOf(output, o);
  const v = viewOf(input, b);
  out.setUint32(LINK_BYTES, Math.floor(seq / 0x1_0000_0000));
  let p = putU32(out, LINK_BYTES + 4, seq >>> 0);
  p = putRange(o, out, p, b, v, subject, subjectEnd);
  p = headersEnd > headers ? putRawHeaders(o, p, b, headers, headersEnd) : putU32(out, p, 0);
  p = putRange(o, out, p, b, v, headersEnd, payloadEnd);
  // A string digest rather than a Buffer: no memory of its own to allocate per event.
  const digest = hash('sha256', o.subarray(0, p), 'binary');
  for (let k = 0; k < LINK_BYTES; k++) o[k] = digest.charCodeAt(k);
  return scratchLink;
}

/** link(n) of a message as it came off the wire (chainWire), in a buffer of its own. */
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
  return Buffer.from(chainWire(previous, b, seq, subject, subjectEnd, headers, headersEnd, payloadEnd));
}
