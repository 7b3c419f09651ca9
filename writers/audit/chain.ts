// The hash chain over a stream's events and its signed checkpoints, pure: no I/O.
//
// link(n) = SHA-256(link(n-1) ‖ event(n)), where link(first - 1) is the anchor (32 zero bytes
// at a stream's first event) and event(n) is the canonical encoding below, defined once:
//   u64 seq ‖ u32 len ‖ subject ‖ u32 count ‖ (u32 len ‖ name ‖ u32 len ‖ value)* ‖ u32 len ‖ payload
// big-endian, strings UTF-8, headers sorted by name (bytewise), each name's values in order,
// a value without the spaces around it.
// Headers the server adds to a read (direct get) or acts on at publish (expectations) are not
// the event's: they are left out, so the same event hashes the same however it is read.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

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

const u32 = (n: number) => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
};

const u64 = (n: number) => {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n), 0);
  return b;
};

const str = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return [u32(b.length), b];
};

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

/**
 * The canonical bytes of one event without its payload (the payload follows its length).
 * A view of a reused buffer: valid until the next call.
 */
export function eventPrefix(event: ChainEvent): Buffer {
  at = 0;
  room(8);
  scratch.writeUInt32BE(Math.floor(event.seq / 0x1_0000_0000), 0);
  scratch.writeUInt32BE(event.seq >>> 0, 4);
  at = 8;
  putStr(event.subject);
  if (event.rawHeaders) {
    putRawHeaders(event.rawHeaders);
    putU32(event.payload.length);
    return scratch.subarray(0, at);
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
  return scratch.subarray(0, at);
}

type Span = { name: Buffer; vs: number; ve: number };
const CR = 13;
const COLON = 58;
const isSpace = (c: number | undefined) => c === 32 || c === 9;

/** Whether raw name bytes name a header the chain leaves out (a few Nats-* ones). */
function serverHeader(name: Buffer): boolean {
  // "Nats-" in any case: anything else is the event's.
  if (
    name.length < 5 ||
    ((name[0] ?? 0) | 32) !== 110 ||
    ((name[1] ?? 0) | 32) !== 97 ||
    (name[4] ?? 0) !== 45
  )
    return false;
  return !chainedHeader(name.toString('latin1'));
}

function putRawHeaders(raw: Uint8Array): void {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const spans: Span[] = [];
  let i = b.indexOf('\r\n') + 2;
  while (i > 1 && i < b.length) {
    const end = b.indexOf(CR, i);
    const lineEnd = end < 0 ? b.length : end;
    if (lineEnd === i) break;
    const colon = b.indexOf(COLON, i);
    if (colon > -1 && colon < lineEnd) {
      const name = b.subarray(i, colon);
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && isSpace(b[vs])) vs++;
      while (ve > vs && isSpace(b[ve - 1])) ve--;
      if (!serverHeader(name)) spans.push({ name, vs, ve });
    }
    i = lineEnd + 2;
  }
  // Stable: a name's values keep their order.
  spans.sort((x, y) => Buffer.compare(x.name, y.name));
  let names = 0;
  for (let k = 0; k < spans.length; k++)
    if (k === 0 || !spans[k - 1]?.name.equals(spans[k]?.name as Buffer)) names++;
  putU32(names);
  for (let k = 0; k < spans.length; ) {
    const first = spans[k] as Span;
    let n = 1;
    while (spans[k + n]?.name.equals(first.name)) n++;
    putBytes(first.name);
    putU32(n);
    for (let j = 0; j < n; j++) {
      const s = spans[k + j] as Span;
      putBytes(b.subarray(s.vs, s.ve));
    }
    k += n;
  }
}

const putBytes = (bytes: Uint8Array) => {
  room(4 + bytes.length);
  scratch.writeUInt32BE(bytes.length, at);
  scratch.set(bytes, at + 4);
  at += 4 + bytes.length;
};

/** link(n) from link(n-1) and event n. */
export function link(previous: Uint8Array, event: ChainEvent): Uint8Array {
  return createHash('sha256').update(previous).update(eventPrefix(event)).update(event.payload).digest();
}

export type Checkpoint = {
  /** The stream's name without a namespace, e.g. CHAT. */
  stream: string;
  /** The first sequence this checkpoint's range covers, and the link before it. */
  firstSeq: number;
  anchor: Uint8Array;
  /** The last sequence covered and the link through it. */
  seq: number;
  link: Uint8Array;
  keyId: string;
};

const CHECKPOINT_DOMAIN = 'hearth.audit.chain.v1';

/** What a checkpoint's signature covers: every field, length-prefixed, under a fixed label. */
export function checkpointBytes(c: Checkpoint): Buffer {
  return Buffer.concat([
    ...str(CHECKPOINT_DOMAIN),
    ...str(c.stream),
    u64(c.firstSeq),
    u32(c.anchor.length),
    c.anchor,
    u64(c.seq),
    u32(c.link.length),
    c.link,
    ...str(c.keyId),
  ]);
}

export type SigningKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string };

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** The first 16 hex digits of the SHA-256 of the raw public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function generateSigningKey(): SigningKey {
  return signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** A PKCS8 key, as PEM or as base64 DER (the forms HEARTH_AUDIT_SIGNING_KEY takes). */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey({ key: trimmed, format: 'pem' })
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  return signingKeyFrom(key);
}

/** The private key as base64 PKCS8 DER, to keep with the secrets. */
export function exportSigningKey(key: SigningKey): string {
  return key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  const prefix = Buffer.from('302a300506032b6570032100', 'hex');
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' });
}

export function signCheckpoint(
  c: Omit<Checkpoint, 'keyId'>,
  key: SigningKey,
): { checkpoint: Checkpoint; signature: Uint8Array } {
  const checkpoint = { ...c, keyId: key.keyId };
  return { checkpoint, signature: sign(null, checkpointBytes(checkpoint), key.privateKey) };
}

export function verifyCheckpoint(c: Checkpoint, signature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointBytes(c), publicKey, signature);
  } catch {
    return false;
  }
}

export const equalLinks = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
