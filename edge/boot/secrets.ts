// The secrets a hub keeps in `<dataDir>/secrets.json` (mode 0600) when none is configured: made
// once, under an exclusive lock, and reused by every process on that data dir.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** An Ed25519 private key, PKCS8 DER in base64 (the form HEARTH_AUDIT_SIGNING_KEY also takes). */
export const newAuditSigningKey = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

/** The secrets kept in `<dataDir>/secrets.json`; none when there is no such file. */
async function readSecrets(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    // A corrupt file must not be overwritten: it holds the keys to existing sessions and data.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: ${messageOf(err)}`);
    return {};
  }
}

/** A secret kept in the data dir's secrets.json, if there is one; never made. */
export async function keptSecret(dataDir: string, name: string): Promise<string | undefined> {
  const existing = (await readSecrets(path.join(dataDir, 'secrets.json')))[name];
  return typeof existing === 'string' && existing ? existing : undefined;
}

/** How long a lock on secrets.json may be held before it is taken for a crashed process's. */
const SECRETS_LOCK_STALE_MS = 10_000;

/**
 * Runs `fn` holding `<file>.lock`, made exclusively (O_EXCL): two processes starting together
 * (the hub and the CLI) take turns, and the second reads what the first wrote.
 */
async function withSecretsLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  for (;;) {
    const handle = await open(lock, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      return undefined;
    });
    if (handle) {
      await handle.close();
      try {
        return await fn();
      } finally {
        await unlink(lock).catch(() => undefined);
      }
    }
    const held = await stat(lock).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > SECRETS_LOCK_STALE_MS) await unlink(lock).catch(() => undefined);
    else await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A secret kept in `<dataDir>/secrets.json` (mode 0600): generated once, then reused. Made
 * under an exclusive lock and only when the file, read again under it, lacks it; a new file
 * is linked into place (never replacing one another process made), so every process uses
 * what is on disk.
 */
export async function storedSecret({
  dataDir,
  name,
  generate = () => randomBytes(32).toString('base64url'),
}: {
  dataDir: string;
  name: string;
  generate?: () => string;
}): Promise<string> {
  const kept = await keptSecret(dataDir, name);
  if (kept) return kept;
  const file = path.join(dataDir, 'secrets.json');
  return withSecretsLock(file, async () => {
    for (;;) {
      const secrets = await readSecrets(file);
      const existing = secrets[name];
      if (typeof existing === 'string' && existing) return existing;
      const secret = generate();
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ ...secrets, [name]: secret }, null, 2)}\n`, { mode: 0o600 });
      try {
        // A new file is linked into place, which fails if one appeared meanwhile (made by a
        // process that took no lock): then it is read again, and what it holds is used.
        if (Object.keys(secrets).length > 0) await rename(tmp, file);
        else if (
          !(await link(tmp, file).then(
            () => true,
            (err: NodeJS.ErrnoException) => {
              if (err.code === 'EEXIST') return false;
              throw err;
            },
          ))
        )
          continue;
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
      return secret;
    }
  });
}
