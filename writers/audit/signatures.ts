// Checkpoint signatures checked for verify: only those it needs, each once, a chunk at a time
// with the event loop let through between chunks (an Ed25519 check is ~0.16 ms; a year of
// checkpoints checked in one go would stall the hub for over a minute).
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { type Checkpoint, verifyCheckpoint } from './chain.ts';
import type { SignedCheckpoint } from './verify.ts';
import type { VerifyKey } from './verify-stream.ts';

/** A checkpoint as verify sees it: signed by the key it verifies with, or not. */
export type CheckedCheckpoint = SignedCheckpoint & { valid: boolean };

/** The most signatures checked without letting the event loop through. */
export const SIGNATURE_CHUNK = 64;

export const signedBy = (c: SignedCheckpoint, key: VerifyKey): boolean =>
  c.checkpoint.keyId === key.keyId && verifyCheckpoint(c.checkpoint, c.signature, key.publicKey);

/** Checks each checkpoint's signature once, yielding to the event loop between chunks. */
export async function checkSignatures(
  checkpoints: SignedCheckpoint[],
  key: VerifyKey,
): Promise<CheckedCheckpoint[]> {
  const out: CheckedCheckpoint[] = [];
  for (let i = 0; i < checkpoints.length; i++) {
    if (i > 0 && i % SIGNATURE_CHUNK === 0) await yieldLoop();
    const c = checkpoints[i] as SignedCheckpoint;
    out.push({ ...c, valid: signedBy(c, key) });
  }
  return out;
}

/**
 * The newest checkpoint at or before `before` (and not before `notBefore`) that is signed by
 * `key`: candidates are checked newest first, and only until one is.
 */
export async function newestSigned(
  checkpoints: SignedCheckpoint[],
  key: VerifyKey,
  before: number,
  notBefore: number,
): Promise<SignedCheckpoint | undefined> {
  const candidates = checkpoints
    .filter((c) => c.checkpoint.seq <= before && c.checkpoint.seq >= notBefore)
    .sort((a, b) => b.checkpoint.seq - a.checkpoint.seq);
  for (let i = 0; i < candidates.length; i++) {
    if (i > 0 && i % SIGNATURE_CHUNK === 0) await yieldLoop();
    const c = candidates[i] as SignedCheckpoint;
    if (signedBy(c, key)) return c;
  }
  return undefined;
}

/** Whether `c` continues `prev`: its range starts right after and from the link prev ends on. */
export const continues = (prev: Checkpoint, c: Checkpoint): boolean =>
  c.firstSeq === prev.seq + 1 && Buffer.compare(c.anchor, prev.link) === 0;
