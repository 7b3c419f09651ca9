// Real services for tests. Each test file gets its own namespace (streams, subjects, KV)
// and its own database, so files run in parallel and never see each other.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { createNames, type Names } from '../contracts/subjects.ts';
import { connectNats } from '../writers/log/connect.ts';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Browser tests: Chromium's path, where screenshots go, and whether a missing browser fails (CI). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS_DIR = process.env.HEARTH_SCREENSHOTS;
export const IN_CI = Boolean(process.env.CI);
/** Where pg_dump and pg_restore are found (the backup tests). */
export const SEARCH_PATH = process.env.PATH ?? '/usr/bin:/bin';
/** The environment a spawned `hearth` command inherits, before the settings a test gives it. */
export const inheritedEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
/** A private nats-server's binary, for tests that stop and restart NATS. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export async function testNats(prefix = uniquePrefix()): Promise<{
  nc: NatsConnection;
  names: Names;
  prefix: string;
  cleanup: () => Promise<void>;
}> {
  // As the hub connects, so tests run what production runs.
  const nc = await connectNats({ servers: NATS_URL, name: `test-${prefix}` });
  const names = createNames(prefix);
  const cleanup = async () => {
    const jsm = await jetstreamManager(nc);
    const upper = `${prefix.toUpperCase()}_`;
    for await (const s of jsm.streams.list()) {
      const name = s.config.name;
      // the namespace's streams, its KV buckets and its object stores (media blobs)
      if (name.startsWith(upper) || name.startsWith(`KV_${upper}`) || name.startsWith(`OBJ_${upper}`)) {
        await jsm.streams.delete(name).catch(() => undefined);
      }
    }
    await nc.drain();
  };
  return { nc, names, prefix, cleanup };
}

/** A fresh database: creating one costs milliseconds, and dropping it leaves nothing behind. */
export async function testDatabase(
  prefix = uniquePrefix(),
): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  const db = `hearth_${prefix}`;
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}
