// `hearth restore <dir>`: a backup back into an empty NATS and an empty database. The checksums
// are checked before anything is touched; then each stream is restored from its snapshot and
// the auth schema from its dump. The read models are not restored: the hub started on it
// replays them from the streams (and the chainer links the chain again, against the signed
// checkpoints that came back on AUDIT).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BACKUP_FORMAT, type BackupManifest, MANIFEST } from './backup.ts';
import { verifyChecksums } from './checksums.ts';
import { AUTH_SCHEMA, restoreAuth, schemasWithTables } from './postgres.ts';
import { restoreStream } from './snapshot.ts';

/** A restore refused before it changed anything. */
export class RestoreRefused extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`restore refused: ${problems.join('; ')}`);
    this.name = 'RestoreRefused';
    this.problems = problems;
  }
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new RestoreRefused([`not a ${BACKUP_FORMAT} backup`]);
  return manifest;
}

async function* chunksOf(file: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(file, { highWaterMark: 128 * 1024 })) yield chunk as Buffer;
}

export async function runRestore({
  nc,
  databaseUrl,
  searchPath,
  dir,
}: {
  nc: NatsConnection;
  databaseUrl: string;
  searchPath: string;
  dir: string;
}): Promise<{ manifest: BackupManifest; streams: Array<{ name: string; messages: number }> }> {
  const corrupt = await verifyChecksums(dir);
  if (corrupt.length > 0) throw new RestoreRefused(corrupt);
  const manifest = await readManifest(dir);
  // The manifest names the files to read: only the backup's own, never a path out of it.
  const strange = [
    ...manifest.streams.filter((s) => s.file !== `streams/${s.name}.snap` || !/^[\w-]+$/.test(s.name)),
    ...(manifest.postgres.auth === 'postgres/auth.dump' ? [] : [{ file: manifest.postgres.auth }]),
  ];
  if (strange.length > 0) throw new RestoreRefused(strange.map((s) => `${s.file}: not a file of a backup`));
  const jsm = await jetstreamManager(nc);
  const existing = new Set<string>();
  for await (const name of jsm.streams.names()) existing.add(name);
  const problems = manifest.streams.filter((s) => existing.has(s.name)).map((s) => `stream ${s.name} exists`);
  const schemas = await schemasWithTables(databaseUrl);
  if (schemas.length > 0) problems.push(`the database is not empty (schemas ${schemas.join(', ')})`);
  if (problems.length > 0) throw new RestoreRefused(problems);

  const streams: Array<{ name: string; messages: number }> = [];
  for (const entry of manifest.streams) {
    const { messages } = await restoreStream({
      nc,
      head: { config: entry.config, state: entry.state },
      chunks: chunksOf(path.join(dir, entry.file)),
    });
    streams.push({ name: entry.name, messages });
  }
  await restoreAuth({ databaseUrl, searchPath, file: path.join(dir, manifest.postgres.auth) });
  if (!(await schemasWithTables(databaseUrl)).includes(AUTH_SCHEMA))
    throw new Error('pg_restore left no auth tables');
  return { manifest, streams };
}
