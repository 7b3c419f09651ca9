// A stored header block ("NATS/1.0\r\nName: value\r\n…") in the canonical encoding
// (canonical.ts), read from its bytes without decoding them. Hot: verify runs it once per
// event. A stream's events mostly carry the same header names in the same order, so the last
// few blocks' shapes are kept: a block of a known shape has its names checked in place and
// only its values found and copied, without sorting it again.
import { inView, outView, putBytes, putRange, putU32, scan } from './raw-bytes.ts';

const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;
const TAB = 9;
const DASH = 45;

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

/** The most bytes the canonical headers of a block of `n` bytes take (a 3-byte line takes 12). */
export const headersRoom = (n: number): number => 4 + 4 * n;

/**
 * A block's shape: its lines' names in order, and what the encoding makes of them: which line
 * is which kept header (in line order, or -1 when left out), the kept headers in name order,
 * and, per name, the bytes ahead of its values (u32 length, name, u32 count).
 */
type Shape = {
  names: Buffer;
  namesView: DataView;
  /** Where each line's name ends in `names`. */
  ends: Int32Array;
  slot: Int32Array;
  /** Kept headers (slots) in name order, and the first of each name there. */
  order: Int32Array;
  groupStart: Int32Array;
  heads: Buffer;
  headsView: DataView;
  headEnds: Int32Array;
};

/** The shapes last seen, the most recent first. */
const shapes: Shape[] = [];
const SHAPES = 4;
// Value ranges of the block being encoded, by slot: start, end.
let values = new Int32Array(32);

const trimStart = (b: Buffer, s: number, e: number) => {
  let c = b[s];
  while (s < e && (c === SPACE || c === TAB)) c = b[++s];
  return s;
};
const trimEnd = (b: Buffer, s: number, e: number) => {
  let c = b[e - 1];
  while (e > s && (c === SPACE || c === TAB)) c = b[--e - 1];
  return e;
};

/** The block encoded by `shape`, or -1 when it is not of that shape. */
function byShape(o: Buffer, p: number, b: Buffer, start: number, end: number, shape: Shape): number {
  const v = inView(b);
  const { names, namesView, ends, slot } = shape;
  const vals = values;
  let i = start;
  while (i < end && b[i] !== LF) i++;
  i++;
  let ns = 0;
  for (let j = 0; j < ends.length; j++) {
    const ne = ends[j] as number;
    const colon = i + ne - ns;
    if (colon >= end || b[colon] !== COLON) return -1;
    let q = 0;
    for (; i + q + 4 <= colon; q += 4)
      if (v.getInt32(i + q, true) !== namesView.getInt32(ns + q, true)) return -1;
    for (; i + q < colon; q++) if (b[i + q] !== names[ns + q]) return -1;
    const lineEnd = scan(b, v, colon + 1, end, false);
    const s = slot[j] as number;
    if (s >= 0) {
      const vs = trimStart(b, colon + 1, lineEnd);
      vals[s * 2] = vs;
      vals[s * 2 + 1] = trimEnd(b, vs, lineEnd);
    }
    i = lineEnd + 2;
    ns = ne;
  }
  // More lines than the shape has: another shape.
  if (i < end && b[i] !== CR) return -1;
  const out = outView(o);
  const { order, groupStart, heads, headsView, headEnds } = shape;
  p = putU32(out, p, headEnds.length);
  let hs = 0;
  for (let g = 0; g < headEnds.length; g++) {
    const he = headEnds[g] as number;
    p = putBytes(o, out, p, heads, headsView, hs, he);
    hs = he;
    const last = g + 1 < groupStart.length ? (groupStart[g + 1] as number) : order.length;
    for (let x = groupStart[g] as number; x < last; x++) {
      const s = order[x] as number;
      p = putRange(o, out, p, b, v, vals[s * 2] as number, vals[s * 2 + 1] as number);
    }
  }
  return p;
}

/**
 * The stored header block b[start, end) canonically (the count of names, then each name with
 * its values), written at o[p]: answers the offset after it. `o` has headersRoom(end - start)
 * bytes from p. Lines without a colon and the headers the chain leaves out are skipped; a
 * value is taken without the spaces and tabs around it; the block ends at an empty line.
 */
export function putRawHeaders(o: Buffer, p: number, b: Buffer, start: number, end: number): number {
  for (let k = 0; k < shapes.length; k++) {
    const shape = shapes[k] as Shape;
    const done = byShape(o, p, b, start, end, shape);
    if (done < 0) continue;
    if (k > 0) {
      shapes.splice(k, 1);
      shapes.unshift(shape);
    }
    return done;
  }
  const shape = shapeOf(b, start, end);
  if (!shape) return putPlain(o, p, b, start, end);
  shapes.unshift(shape);
  if (shapes.length > SHAPES) shapes.pop();
  return byShape(o, p, b, start, end, shape);
}

/** A block's lines: name start, colon (or -1), line end; and whether it ended at its end or an empty line. */
function linesOf(b: Buffer, start: number, end: number): number[] {
  const v = inView(b);
  const lines: number[] = [];
  let i = start;
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
    lines.push(name, colon, lineEnd);
    i = lineEnd + 2;
  }
  return lines;
}

/** Kept lines (indexes into `lines` / 3) in name order, stable: a name's values keep their order. */
function keptInOrder(b: Buffer, lines: number[]): number[] {
  const kept: number[] = [];
  for (let j = 0; j < lines.length; j += 3) {
    const name = lines[j] as number;
    const colon = lines[j + 1] as number;
    if (colon > -1 && !serverHeaderAt(b, name, colon)) kept.push(j / 3);
  }
  const nameOf = (x: number) => b.subarray(lines[x * 3], lines[x * 3 + 1]);
  return kept.sort((x, y) => Buffer.compare(nameOf(x), nameOf(y)) || x - y);
}

/** The block encoded from its lines, when it has one without a colon (no shape is kept for it). */
function putPlain(o: Buffer, p: number, b: Buffer, start: number, end: number): number {
  const v = inView(b);
  const out = outView(o);
  const lines = linesOf(b, start, end);
  const kept = keptInOrder(b, lines);
  const countAt = p;
  p += 4;
  let names = 0;
  for (let x = 0; x < kept.length; ) {
    const first = (kept[x] as number) * 3;
    let n = 1;
    const name = b.subarray(lines[first], lines[first + 1]);
    while (x + n < kept.length) {
      const other = (kept[x + n] as number) * 3;
      if (!name.equals(b.subarray(lines[other], lines[other + 1]))) break;
      n++;
    }
    p = putRange(o, out, p, b, v, lines[first] as number, lines[first + 1] as number);
    p = putU32(out, p, n);
    for (let j = 0; j < n; j++) {
      const line = (kept[x + j] as number) * 3;
      const vs = trimStart(b, (lines[line + 1] as number) + 1, lines[line + 2] as number);
      p = putRange(o, out, p, b, v, vs, trimEnd(b, vs, lines[line + 2] as number));
    }
    names++;
    x += n;
  }
  putU32(out, countAt, names);
  return p;
}

/** The block's shape, or undefined when a line has no colon. */
function shapeOf(b: Buffer, start: number, end: number): Shape | undefined {
  const lines = linesOf(b, start, end);
  const count = lines.length / 3;
  const ends = new Int32Array(count);
  const slot = new Int32Array(count).fill(-1);
  const parts: Buffer[] = [];
  let at = 0;
  for (let j = 0; j < count; j++) {
    const colon = lines[j * 3 + 1] as number;
    if (colon < 0) return undefined;
    parts.push(b.subarray(lines[j * 3], colon));
    at += colon - (lines[j * 3] as number);
    ends[j] = at;
  }
  const kept = keptInOrder(b, lines);
  // Slots in line order, so a block's values are put where the shape's order finds them.
  [...kept]
    .sort((x, y) => x - y)
    .forEach((line, s) => {
      slot[line] = s;
    });
  const order = Int32Array.from(kept, (line) => slot[line] as number);
  const starts: number[] = [];
  const headParts: Buffer[] = [];
  const headEnds: number[] = [];
  let headAt = 0;
  for (let x = 0; x < kept.length; ) {
    const name = parts[kept[x] as number] as Buffer;
    let n = 1;
    while (x + n < kept.length && name.equals(parts[kept[x + n] as number] as Buffer)) n++;
    const head = Buffer.alloc(8 + name.length);
    head.writeUInt32BE(name.length, 0);
    name.copy(head, 4);
    head.writeUInt32BE(n, 4 + name.length);
    headParts.push(head);
    headAt += head.length;
    headEnds.push(headAt);
    starts.push(x);
    x += n;
  }
  if (values.length < kept.length * 2) values = new Int32Array(kept.length * 2);
  const names = Buffer.concat(parts);
  const heads = Buffer.concat(headParts);
  return {
    names,
    namesView: new DataView(names.buffer, names.byteOffset, names.byteLength),
    ends,
    slot,
    order,
    groupStart: Int32Array.from(starts),
    heads,
    headsView: new DataView(heads.buffer, heads.byteOffset, heads.byteLength),
    headEnds: Int32Array.from(headEnds),
  };
}
