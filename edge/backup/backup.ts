// `hearth backup <dir>`: one directory holding everything a hub needs to come back.
//   manifest.json           what is in it, each stream's config and state, the secrets manifest
//   streams/<STREAM>.snap   each stream's JetStream snapshot (the domain streams with AUDIT,
//                           the KV buckets, the Object Store's blobs)
//   postgres/auth.dump      pg_dump of the auth schema (custom format)
//   secrets.json            only with --include-secrets: the values, mode 0600
//   SHA256SUMS              sha256 of every other file
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { writeChecksums } from './checksums.ts';
import { dumpAuth } from './postgres.ts';
import type { SecretEntry } from './secrets.ts';
import { type SnapshotHead, snapshotStream } from './snapshot.ts';
import { hubStreams } from './streams.ts';

export const BACKUP_FORMAT = 'hearth-backup/1';
export const MANIFEST = 'manifest.json';

export type StreamEntry = SnapshotHead & { name: string; file: string; bytes: number };

export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  namespace: string;
  /** When the first snapshot began: the backup holds what was written before it (the RPO). */
  startedAt: string;
  finishedAt: string;
  postgres: { auth: string; readModels: 'rebuilt from the streams' };
  streams: StreamEntry[];
  /** Memory streams (presence, typing) have no snapshot and start empty again, as after a restart. */
  memoryStreamsLeftOut: string[];
  secrets: SecretEntry[];
  secretValuesIncluded: boolean;
};

export async function runBackup({
  nc,
  namespace,
  databaseUrl,
  searchPath,
  dir,
  secrets,
  secretValues,
  now = () => new Date(),
}: {
  nc: NatsConnection;
  namespace: string;
  databaseUrl: string;
  searchPath: string;
  dir: string;
  secrets: SecretEntry[];
  /** Only when the operator asked for them (--include-secrets). */
  secretValues?: Record<string, string> | undefined;
  now?: () => Date;
}): Promise<{ manifest: BackupManifest }> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0)
    throw new Error(`${dir} is not empty: a backup goes into a new directory`);
  await mkdir(path.join(dir, 'streams'));
  await mkdir(path.join(dir, 'postgres'));
  const startedAt = now().toISOString();
  // Auth first, then the streams: an account made in between has its events in the streams
  // (and signs in again after a reset), never an account whose events a restore lacks.
  const auth = 'postgres/auth.dump';
  await dumpAuth({ databaseUrl, searchPath, file: path.join(dir, auth) });
  const jsm = await jetstreamManager(nc);
  const streams: StreamEntry[] = [];
  const { kept, memory } = await hubStreams(jsm, namespace);
  for (const name of kept) {
    const file = `streams/${name}.snap`;
    const out = createWriteStream(path.join(dir, file));
    const closed = new Promise<void>((resolve, reject) => {
      out.once('close', resolve);
      out.once('error', reject);
    });
    const write = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) => out.write(chunk, (err) => (err ? reject(err) : resolve())));
    try {
      const head = await snapshotStream({ nc, stream: name, write });
      streams.push({ name, file, ...head });
    } finally {
      out.end();
      await closed;
    }
  }
  if (secretValues) {
    await writeFile(path.join(dir, 'secrets.json'), JSON.stringify(secretValues, null, 2), { mode: 0o600 });
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    namespace,
    startedAt,
    finishedAt: now().toISOString(),
    postgres: { auth, readModels: 'rebuilt from the streams' },
    streams,
    memoryStreamsLeftOut: memory,
    secrets,
    secretValuesIncluded: Boolean(secretValues),
  };
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeChecksums(dir);
  return { manifest };
}
