// The audit log's hash chain in one hub: the signing key, the chainer (one leader per stream
// across hubs), verify, and on-demand checkpoints, for the routes and the CLI.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AuditPublicKey, AuditVerifyReport } from '../../contracts/audit.api.ts';
import { commonErrors } from '../../contracts/errors.ts';
import {
  CHAINED,
  type ChainSettings,
  createChainer,
  type LostStream,
} from '../../projectors/audit-chain/chainer.ts';
import {
  generateSigningKey,
  keyIdOf,
  parseSigningKey,
  publicKeyFromRaw,
  rawPublicKey,
  type SigningKey,
} from '../../writers/audit/chain.ts';
import { verifyExport } from '../../writers/audit/export-file.ts';
import { type VerifyKey, verifyStream } from '../../writers/audit/verify-stream.ts';
import type { Log } from '../../writers/log/open.ts';

export type AuditChain = {
  key: SigningKey;
  publicKey: () => AuditPublicKey;
  migrate: () => Promise<void>;
  start: () => void;
  stop: () => Promise<void>;
  /**
   * Every stream, or one; refused (409) while another verify runs on this hub. Against `key`
   * (the CLI's public key) when given, else this hub's.
   */
  verify: (input: {
    stream?: string | undefined;
    fromSeq?: number | undefined;
    key?: VerifyKey | undefined;
  }) => Promise<AuditVerifyReport>;
  verifyFile: (input: {
    stream: string;
    lines: string[];
    key?: VerifyKey | undefined;
  }) => Promise<AuditVerifyReport>;
  checkpointAll: () => Promise<{ stream: string; seq: number }[]>;
  /** How far the chain of a stream has come (tests wait on it). */
  position: (stream: string) => Promise<number>;
  /** Streams the chainer stopped on: they went back behind the chain (for /ready). */
  lost: () => Promise<LostStream[]>;
};

export function createAuditChain({
  log,
  pool,
  db,
  logger,
  signingKey,
  settings,
  onVerified,
}: {
  log: Log;
  pool: pg.Pool;
  db: Kysely<unknown>;
  logger: Logger;
  /** PKCS8, PEM or base64 DER; none: one made for this process (tests). */
  signingKey?: string | undefined;
  settings: ChainSettings;
  /** Each verification of the live streams (not of an export file): the hub's metrics. */
  onVerified?: (report: AuditVerifyReport) => void;
}): AuditChain {
  const key = signingKey ? parseSigningKey(signingKey) : generateSigningKey();
  const chainer = createChainer({ log, pool, db, key, logger, settings });
  let verifying = false;
  // Verify reads whole streams: one at a time per hub.
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (verifying) throw commonErrors.conflict('A verification is already running; try again when it ends.');
    verifying = true;
    try {
      return await fn();
    } finally {
      verifying = false;
    }
  };
  const verifyKey = { publicKey: key.publicKey, keyId: key.keyId };
  return {
    key,
    publicKey: () => ({
      algorithm: 'Ed25519',
      key_id: key.keyId,
      public_key_pem: key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      public_key: rawPublicKey(key.publicKey).toString('base64'),
    }),
    migrate: chainer.migrate,
    start: chainer.start,
    stop: chainer.stop,
    verify: ({ stream, fromSeq, key = verifyKey }) =>
      exclusive(async () => {
        const streams = [];
        for (const s of stream ? [stream] : CHAINED) {
          streams.push(
            await verifyStream({
              log,
              stream: s,
              key,
              fromSeq,
              storedLinks: chainer.links(s),
              checkpointsFrom: chainer.checkpointsFrom(s),
            }),
          );
        }
        const report = { ok: streams.every((s) => s.ok), streams };
        onVerified?.(report);
        return report;
      }),
    verifyFile: ({ stream, lines, key = verifyKey }) =>
      exclusive(async () => {
        const report = await verifyExport({
          log,
          stream,
          lines,
          key,
          storedLinks: chainer.links(stream),
        });
        return { ok: report.ok, streams: [report] };
      }),
    checkpointAll: () => chainer.checkpointAll(),
    position: chainer.position,
    lost: chainer.lost,
  };
}

/**
 * The key that verifies checkpoints, from a public key as PEM (SPKI; a private key's PEM gives
 * its public half), base64 of the raw 32 bytes (`public_key` of GET /audit/public-key), or
 * base64 SPKI DER.
 */
export function parsePublicKey(text: string): VerifyKey {
  const trimmed = text.trim();
  let publicKey: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) publicKey = createPublicKey({ key: trimmed, format: 'pem' });
  else {
    const bytes = Buffer.from(trimmed, 'base64');
    publicKey =
      bytes.length === 32
        ? publicKeyFromRaw(bytes)
        : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit public key must be Ed25519');
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/** The public half of a signing key as given to HEARTH_AUDIT_SIGNING_KEY or kept in secrets.json. */
export function verifyKeyOf(signingKey: string): VerifyKey {
  const { publicKey, keyId } = parseSigningKey(signingKey);
  return { publicKey, keyId };
}
