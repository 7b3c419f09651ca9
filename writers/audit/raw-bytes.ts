// Byte helpers for the canonical encoding from stored bytes (raw-headers.ts, canonical-raw.ts):
// four bytes at a time through DataViews where it can, one byte at a time at the edges.
const CR = 13;
const COLON = 58;
const COLONS = 0x3a3a3a3a;
const CRS = 0x0d0d0d0d;

/** The high bit of each byte of `v` that is zero, set; exact (no carry from one byte to the next). */
const zeroBytes = (v: number) => ~(((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v | 0x7f7f7f7f);

// Views over the buffers last read and written, for four bytes at a time (little-endian: the
// first byte in memory is the lowest, so the lowest set bit finds the first match). A wire buffer holds
// hundreds of messages: its view is made once.
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
/** A view of the buffer read from. */
export const inView = (b: Buffer): DataView => viewOf(input, b);
/** A view of the buffer written to. */
export const outView = (b: Buffer): DataView => viewOf(output, b);

/** The first CR (or, with `colon`, CR or ':') in b[i, end), or end. */
export function scan(b: Buffer, v: DataView, i: number, end: number, colon: boolean): number {
  for (; i + 4 <= end; i += 4) {
    const w = v.getInt32(i, true);
    const m = colon ? zeroBytes(w ^ CRS) | zeroBytes(w ^ COLONS) : zeroBytes(w ^ CRS);
    // Little-endian: the first byte in memory is the lowest, the lowest set bit marks it.
    if (m !== 0) return i + ((31 - Math.clz32(m & -m)) >> 3);
  }
  for (; i < end; i++) {
    const c = b[i];
    if (c === CR || (colon && c === COLON)) return i;
  }
  return end;
}

export const putU32 = (out: DataView, p: number, n: number): number => {
  out.setUint32(p, n);
  return p + 4;
};

/** b[s, e) copied to o[p]; answers the offset after it. */
export function putBytes(
  o: Buffer,
  out: DataView,
  p: number,
  b: Buffer,
  v: DataView,
  s: number,
  e: number,
): number {
  // Short ranges (names, values, subjects) four bytes at a time; a payload natively.
  if (e - s > 96) return p + b.copy(o, p, s, e);
  let i = s;
  for (; i + 4 <= e; i += 4, p += 4) out.setInt32(p, v.getInt32(i, true), true);
  for (; i < e; i++) o[p++] = b[i] as number;
  return p;
}

/** b[s, e) after its u32 length at o[p]; answers the offset after it. */
export function putRange(
  o: Buffer,
  out: DataView,
  p: number,
  b: Buffer,
  v: DataView,
  s: number,
  e: number,
): number {
  out.setUint32(p, e - s);
  return putBytes(o, out, p + 4, b, v, s, e);
}
