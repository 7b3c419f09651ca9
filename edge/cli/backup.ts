// `hearth backup <dir>` and `hearth restore <dir>`, against the services the other commands
// use (NATS_URL / DATABASE_URL, else the running hub's, else the embedded defaults).
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { connectNats } from '../../writers/log/connect.ts';
import { runBackup } from '../backup/backup.ts';
import { RestoreRefused, runRestore } from '../backup/restore.ts';
import { fingerprint, type SecretSettings, secretsManifest } from '../backup/secrets.ts';
import { type Infra, type InfraSettings, resolveInfra } from '../boot/infra.ts';
import { readRuntimeFile } from '../boot/runtime-file.ts';

export const BACKUP_USAGE = `  backup <dir> [--include-secrets]
                          a backup into a new directory: each stream's JetStream snapshot
                          (events, audit, KV buckets, media blobs), a pg_dump of the auth
                          schema, the secrets manifest (names and fingerprints; the values
                          only with --include-secrets) and SHA256SUMS
  restore <dir>           a backup into an empty NATS and an empty database, after checking
                          its SHA256SUMS; start the hub then: it rebuilds the read models`;

/** The settings these commands read (edge/config.ts's loadSettings() gives them). */
type Settings = SecretSettings & { namespace: string; logLevel?: string | undefined; infra: InfraSettings };

type Out = { out: (line: string) => void; err: (line: string) => void };

async function withInfra<T>(
  settings: Settings,
  fn: (infra: Infra, namespace: string) => Promise<T>,
): Promise<T> {
  const logger = pino({ level: settings.logLevel ?? 'warn' }, pino.destination(2));
  const { natsUrl, databaseUrl, dataDir } = settings.infra;
  const running = natsUrl || databaseUrl ? null : await readRuntimeFile(dataDir);
  const infra = await resolveInfra({
    settings: running
      ? { ...settings.infra, natsUrl: running.natsUrl, databaseUrl: running.databaseUrl }
      : settings.infra,
    logger,
    createAuditKey: false,
  });
  try {
    return await fn(infra, running?.namespace ?? settings.namespace);
  } finally {
    await infra.stop();
  }
}

export async function backupCommand({
  dir,
  includeSecrets,
  settings,
  out,
  err,
}: { dir: string | undefined; includeSecrets: boolean; settings: Settings } & Out): Promise<number> {
  if (!dir) {
    err('hearth backup: name a new directory to write the backup into');
    return 1;
  }
  return withInfra(settings, async (infra, namespace) => {
    const nc = await connectNats({
      servers: infra.natsUrl.split(','),
      name: 'hearth-backup',
      auth: infra.natsAuth,
    });
    try {
      const { authSecret, auditSigningKey } = infra;
      const began = Date.now();
      const { manifest } = await runBackup({
        nc,
        namespace,
        databaseUrl: infra.databaseUrl,
        searchPath: settings.infra.searchPath,
        dir: path.resolve(dir),
        secrets: secretsManifest({ settings, authSecret, auditSigningKey }),
        secretValues: includeSecrets
          ? { authSecret, ...(auditSigningKey && { auditSigningKey }) }
          : undefined,
      });
      const messages = manifest.streams.reduce((n, s) => n + Number(s.state.messages ?? 0), 0);
      out(
        `Backed up ${manifest.streams.length} streams (${messages} messages) and the auth schema into ${dir} in ${Date.now() - began} ms.`,
      );
      out(`It holds everything written before ${manifest.startedAt}; what is written after is not in it.`);
      if (!includeSecrets)
        out(
          'Secrets are named in manifest.json, not copied: keep authSecret and auditSigningKey safe apart.',
        );
      return 0;
    } finally {
      await nc.close();
    }
  });
}

export async function restoreCommand({
  dir,
  settings,
  out,
  err,
}: { dir: string | undefined; settings: Settings } & Out): Promise<number> {
  if (!dir) {
    err('hearth restore: name the backup directory');
    return 1;
  }
  const from = path.resolve(dir);
  // A backup made with --include-secrets brings them into a data dir that has none yet.
  const kept = path.join(settings.infra.dataDir, 'secrets.json');
  const carried = path.join(from, 'secrets.json');
  if ((await exists(carried)) && !(await exists(kept))) await copyFile(carried, kept);
  return withInfra(settings, async (infra) => {
    const nc = await connectNats({
      servers: infra.natsUrl.split(','),
      name: 'hearth-restore',
      auth: infra.natsAuth,
    });
    try {
      const began = Date.now();
      const { manifest, streams } = await runRestore({
        nc,
        databaseUrl: infra.databaseUrl,
        searchPath: settings.infra.searchPath,
        dir: from,
      });
      const messages = streams.reduce((n, s) => n + s.messages, 0);
      out(
        `Restored ${streams.length} streams (${messages} messages) and the auth schema in ${Date.now() - began} ms.`,
      );
      const now = { authSecret: infra.authSecret, auditSigningKey: infra.auditSigningKey };
      for (const s of manifest.secrets) {
        const here = s.name in now ? fingerprint(now[s.name as keyof typeof now]) : undefined;
        if (s.name in now && s.fingerprint && here !== s.fingerprint)
          err(`warning: ${s.name} is not the one the backup was made with (${s.source}): ${s.purpose}`);
      }
      const ns = manifest.namespace ? ` with HEARTH_NAMESPACE=${manifest.namespace}` : '';
      out(`Start the hub${ns}: it replays the read models from the restored streams.`);
      return 0;
    } catch (e) {
      if (!(e instanceof RestoreRefused)) throw e;
      err(`hearth restore: refused, nothing was changed:\n  ${e.problems.join('\n  ')}`);
      return 1;
    } finally {
      await nc.close();
    }
  });
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );
