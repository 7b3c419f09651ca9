import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_DATABASE_URL, NATS_URL } from '../../test/services.ts';
import { exportSigningKey, generateSigningKey, parseSigningKey } from '../../writers/audit/chain.ts';
import { loadSettings } from '../config.ts';
import { type Infra, resolveInfra } from './infra.ts';

const logger = { info: () => undefined, warn: () => undefined };

/** The services' settings as the hub reads them from this environment, in this data dir. */
function settingsOf(env: Record<string, string>, dataDir?: string) {
  const { infra } = loadSettings(env);
  return dataDir === undefined ? infra : { ...infra, dataDir };
}
const tempDirs: string[] = [];

afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-infra-'));
  tempDirs.push(dir);
  return dir;
}

/** A port that was free a moment ago, so nothing answers on it. */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

async function using<T>(infra: Infra, check: (infra: Infra) => Promise<T>): Promise<T> {
  try {
    return await check(infra);
  } finally {
    await infra.stop();
  }
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function hasJetStream(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 1000 }).catch(() => undefined);
  if (!nc) return false;
  try {
    await (await jetstreamManager(nc)).getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}

describe('when the environment names the services', () => {
  it('uses NATS_URL, DATABASE_URL, HEARTH_AUTH_SECRET and HEARTH_AUDIT_SIGNING_KEY as given', async () => {
    const dataDir = await tempDir();
    const key = exportSigningKey(generateSigningKey());
    const env = {
      NATS_URL,
      DATABASE_URL: ADMIN_DATABASE_URL,
      HEARTH_AUTH_SECRET: 'from-env',
      HEARTH_AUDIT_SIGNING_KEY: key,
    };
    await using(await resolveInfra({ settings: settingsOf(env, dataDir), logger }), async (infra) => {
      expect(infra).toMatchObject({ natsUrl: NATS_URL, databaseUrl: ADMIN_DATABASE_URL, dataDir });
      expect(infra.authSecret).toBe('from-env');
      expect(infra.auditSigningKey).toBe(key);
    });
    await expect(stat(path.join(dataDir, 'secrets.json'))).rejects.toThrow(/ENOENT/);
  });

  it('accepts BETTER_AUTH_SECRET when HEARTH_AUTH_SECRET is absent', async () => {
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL, BETTER_AUTH_SECRET: 'better' };
    const infra = await resolveInfra({ settings: settingsOf(env, await tempDir()), logger });
    await using(infra, async () => expect(infra.authSecret).toBe('better'));
  });

  it('refuses a NATS_URL that does not answer, saying which', async () => {
    const NATS_URL = `nats://127.0.0.1:${await deadPort()}`;
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL, HEARTH_AUTH_SECRET: 'x' };
    await expect(resolveInfra({ settings: settingsOf(env, await tempDir()), logger })).rejects.toThrow(
      NATS_URL,
    );
  });

  it('refuses a DATABASE_URL that does not answer', async () => {
    const DATABASE_URL = `postgres://postgres@127.0.0.1:${await deadPort()}/hearth`;
    const env = { NATS_URL, DATABASE_URL, HEARTH_AUTH_SECRET: 'x' };
    await expect(resolveInfra({ settings: settingsOf(env, await tempDir()), logger })).rejects.toThrow(
      /DATABASE_URL=/,
    );
  });
});

describe('when nothing is configured', () => {
  it('uses the NATS and Postgres answering on 127.0.0.1, with a hearth database', async () => {
    const env = { HEARTH_AUTH_SECRET: 'x' };
    await using(await resolveInfra({ settings: settingsOf(env, await tempDir()), logger }), async (infra) => {
      expect(infra.natsUrl).toBe('nats://127.0.0.1:4222');
      expect(infra.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/hearth');
      const [row] = await query(infra.databaseUrl, 'SELECT current_database() AS db');
      expect(row?.db).toBe('hearth');
    });
  });

  it('starts nats-server from PATH when nothing answers, and stops it again', async () => {
    const dataDir = await tempDir();
    const env = {
      PATH: '/usr/sbin:/usr/bin:/bin',
      HEARTH_PROBE_NATS: `nats://127.0.0.1:${await deadPort()}`,
      DATABASE_URL: ADMIN_DATABASE_URL,
      HEARTH_AUTH_SECRET: 'x',
    };
    const infra = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await using(infra, async () => {
      expect(infra.natsUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(infra.natsUrl).not.toBe(env.HEARTH_PROBE_NATS);
      expect(await hasJetStream(infra.natsUrl)).toBe(true);
      expect((await stat(path.join(dataDir, 'nats'))).isDirectory()).toBe(true);
    });
    expect(await hasJetStream(infra.natsUrl)).toBe(false);
  });

  it('starts embedded Postgres in the data dir, initialised once and kept across restarts', async () => {
    const dataDir = await tempDir();
    const env = {
      NATS_URL,
      HEARTH_PROBE_POSTGRES: `postgres://postgres@127.0.0.1:${await deadPort()}/postgres`,
      HEARTH_AUTH_SECRET: 'x',
    };
    const first = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await using(first, async () => {
      expect(first.databaseUrl).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/hearth$/);
      await query(first.databaseUrl, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$hello$$)');
    });
    await expect(query(first.databaseUrl, 'SELECT 1')).rejects.toThrow();
    const second = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await using(second, async () => {
      expect(await query(second.databaseUrl, 'SELECT note FROM kept')).toEqual([{ note: 'hello' }]);
    });
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8'));
    expect(second.databaseUrl).toContain(`:${secrets.postgresPassword}@`);
  }, 120_000);
});

describe('when no auth secret is configured', () => {
  it('generates one into secrets.json (mode 0600) and reuses it on the next start', async () => {
    const dataDir = await tempDir();
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL };
    const first = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await first.stop();
    const file = path.join(dataDir, 'secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(first.authSecret, 'base64url')).toHaveLength(32);
    const second = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await second.stop();
    expect(second.authSecret).toBe(first.authSecret);
    // The audit signing key likewise: an Ed25519 key, the same on every start.
    expect(parseSigningKey(first.auditSigningKey ?? '').keyId).toBe(
      parseSigningKey(second.auditSigningKey ?? '').keyId,
    );
    const third = await resolveInfra({
      settings: settingsOf({ ...env, HEARTH_AUTH_SECRET: 'override' }, dataDir),
      logger,
    });
    await third.stop();
    expect(third.authSecret).toBe('override');
  });

  it('gives processes starting together on a new data dir the same secrets, those on disk', async () => {
    const dataDir = await tempDir();
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL };
    const all = await Promise.all(
      Array.from({ length: 4 }, () => resolveInfra({ settings: settingsOf(env, dataDir), logger })),
    );
    for (const infra of all) await infra.stop();
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8'));
    for (const infra of all) {
      expect(infra.authSecret).toBe(secrets.authSecret);
      expect(infra.auditSigningKey).toBe(secrets.auditSigningKey);
    }
  });

  it('makes no audit signing key when asked not to (the CLI), and uses a kept one', async () => {
    const dataDir = await tempDir();
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL, HEARTH_AUTH_SECRET: 'x' };
    const bare = await resolveInfra({ settings: settingsOf(env, dataDir), logger, createAuditKey: false });
    await bare.stop();
    expect(bare.auditSigningKey).toBeUndefined();
    await expect(stat(path.join(dataDir, 'secrets.json'))).rejects.toThrow(/ENOENT/);
    const hub = await resolveInfra({ settings: settingsOf(env, dataDir), logger });
    await hub.stop();
    const cli = await resolveInfra({ settings: settingsOf(env, dataDir), logger, createAuditKey: false });
    await cli.stop();
    expect(cli.auditSigningKey).toBe(hub.auditSigningKey);
  });

  it('defaults the data dir to ./.hearth, resolved to an absolute path and created', async () => {
    const env = { NATS_URL, DATABASE_URL: ADMIN_DATABASE_URL, HEARTH_AUTH_SECRET: 'x' };
    const cwd = process.cwd();
    const dir = await tempDir();
    process.chdir(dir);
    try {
      const infra = await resolveInfra({ settings: settingsOf(env), logger });
      await infra.stop();
      expect(infra.dataDir).toBe(path.join(dir, '.hearth'));
      expect((await stat(infra.dataDir)).isDirectory()).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('when DATABASE_URL names a database that does not exist', () => {
  const name = `hearth_missing_${randomBytes(4).toString('hex')}`;
  const role = `hearth_nocreate_${randomBytes(4).toString('hex')}`;
  const admin = new URL(ADMIN_DATABASE_URL);
  const urlOf = (database: string, user?: string) => {
    const u = new URL(admin);
    u.pathname = `/${database}`;
    if (user) {
      u.username = user;
      u.password = 'not-a-secret';
    }
    return u.toString();
  };

  afterAll(async () => {
    await query(ADMIN_DATABASE_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await query(ADMIN_DATABASE_URL, `DROP ROLE IF EXISTS "${role}"`);
  });

  it('creates it when the server lets this user, as the default database is created', async () => {
    const env = { NATS_URL, DATABASE_URL: urlOf(name), HEARTH_AUTH_SECRET: 'x' };
    await using(await resolveInfra({ settings: settingsOf(env, await tempDir()), logger }), async (infra) => {
      const [row] = await query(infra.databaseUrl, 'SELECT current_database() AS db');
      expect(row?.db).toBe(name);
    });
  });

  it('says it is missing and that this user may not create it, rather than "does not answer"', async () => {
    await query(ADMIN_DATABASE_URL, `CREATE ROLE "${role}" LOGIN NOCREATEDB PASSWORD 'not-a-secret'`);
    const env = { NATS_URL, DATABASE_URL: urlOf(`${name}_other`, role), HEARTH_AUTH_SECRET: 'x' };
    const start = resolveInfra({ settings: settingsOf(env, await tempDir()), logger });
    await expect(start).rejects.toThrow(
      `the database "${name}_other" does not exist, and ${role} may not create it`,
    );
    await expect(start).rejects.toThrow(/permission denied/);
    await expect(start).rejects.not.toThrow(/does not answer/);
  });
});
