// The canonical encoding (canonical.ts) of a message as the wire reader cut it, from its
// stored bytes without decoding them: its subject, header block (raw-headers.ts) and payload
// are ranges of a received buffer. Hot: verify runs it once per event of a stream, so it
// encodes into one reused buffer and hashes each event with one native call.
import { hash } from 'node:crypto';
import { inView, outView, putRange, putU32 } from './raw-bytes.ts';
import { headersRoom, putRawHeaders } from './raw-headers.ts';

const LINK_BYTES = 32;

// The previous link, then the event being encoded: hashed in one call. The link it yields is
// written back over the first 32 bytes, where the next event's encoding expects it.
let scratch = Buffer.allocUnsafe(16384);
let scratchLink = scratch.subarray(0, LINK_BYTES);
// The scratch buffer's first n bytes, by n: a view made once per length rather than per event,
// so hashing an event allocates nothing for the collector to sweep.
let views: Buffer[] = [];
const head = (n: number): Buffer => {
  let v = views[n];
  if (v === undefined) {
    v = scratch.subarray(0, n);
    views[n] = v;
  }
  return v;
};

/** The most bytes encodeWire writes for a message whose subject, headers and payload take these. */
export const wireRoom = (subject: number, headers: number, payload: number): number =>
  16 + subject + headersRoom(headers) + payload;

/**
 * The canonical encoding of a message as it came off the wire, without decoding it: its
 * subject, stored header block (empty when it has none) and payload are ranges of `b`. Written
 * at o[p] (wireRoom bytes free there): answers the offset after it.
 */
export function encodeWire(
  o: Buffer,
  p: number,
  b: Buffer,
  seq: number,
  subject: number,
  subjectEnd: number,
  headers: number,
  headersEnd: number,
  payloadEnd: number,
): number {
  const out = outView(o);
  const v = inView(b);
  out.setUint32(p, Math.floor(seq / 0x1_0000_0000));
  p = putU32(out, p + 4, seq >>> 0);
  p = putRange(o, out, p, b, v, subject, subjectEnd);
  p = headersEnd > headers ? putRawHeaders(o, p, b, headers, headersEnd) : putU32(out, p, 0);
  return putRange(o, out, p, b, v, headersEnd, payloadEnd);
}

/**
 * link(n) of a message as it came off the wire (encodeWire). The answer is a view that the
 * next call overwrites: verify only chains it on, and copies what it keeps.
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
  const need = LINK_BYTES + wireRoom(subjectEnd - subject, headersEnd - headers, payloadEnd - headersEnd);
  if (need > scratch.length) {
    scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
    scratchLink = scratch.subarray(0, LINK_BYTES);
    views = [];
  }
  const o = scratch;
  if (previous !== scratchLink) o.set(previous, 0);
  const p = encodeWire(o, LINK_BYTES, b, seq, subject, subjectEnd, headers, headersEnd, payloadEnd);
  // A string digest rather than a Buffer: no memory of its own to allocate per event.
  const digest = hash('sha256', head(p), 'binary');
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
