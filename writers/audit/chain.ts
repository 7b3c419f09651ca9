// The hash chain over a stream's events (its encoding and links: canonical.ts) and its signed
// checkpoints, pure: no I/O.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

export {
  type ChainEvent,
  chainedHeader,
  eventPrefix,
  LINK_BYTES,
  link,
  ZERO_LINK,
} from './canonical.ts';
export { chainWire, linkWire } from './canonical-raw.ts';

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
