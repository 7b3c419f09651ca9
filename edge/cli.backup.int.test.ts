// `hearth backup` and `hearth restore` as an operator runs them: a backup of a hub's namespace,
// restored into a nats-server of the test's own and an empty database.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../test/hub.ts';
import { type PrivateNats, startPrivateNats } from '../test/private-nats.ts';
import { inheritedEnv, NATS_URL, testDatabase } from '../test/services.ts';
import { connectNats } from '../writers/log/connect.ts';
import type { BackupManifest } from './backup/backup.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/hearth.mjs', import.meta.url));
let t: TestHub;
let target: { nats: PrivateNats; db: Awaited<ReturnType<typeof testDatabase>> };
let work: string;
const prefix = `b${Date.now().toString(36)}`;

const hearth = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [bin, ...args], {
    env: {
      ...inheritedEnv(),
      HEARTH_NAMESPACE: prefix,
      HEARTH_DATA_DIR: path.join(work, 'data'),
      HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'silent',
      ...env,
    },
  });

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'hearth-cli-backup-'));
  t = await startTestHub({ prefix });
  await t.client().signUp({ email: 'ann@family.test', name: 'Ann' });
  target = { nats: await startPrivateNats(), db: await testDatabase() };
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await target?.nats.cleanup();
  await target?.db.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('hearth backup and restore', () => {
  it('backs a namespace up and restores it into an empty NATS and database', async () => {
    const dir = path.join(work, 'backup');
    const made = await hearth({ NATS_URL, DATABASE_URL: t.databaseUrl }, 'backup', dir);
    expect(made.stdout).toMatch(/Backed up \d+ streams/);
    expect(made.stdout).toContain('Secrets are named in manifest.json, not copied');
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.streams.map((s) => s.name)).toContain(`${prefix.toUpperCase()}_AUDIT`);
    expect(manifest.streams.map((s) => s.name)).toContain(`KV_${prefix.toUpperCase()}_hearth_keys`);
    expect(manifest.secrets.find((s) => s.name === 'authSecret')).toMatchObject({
      source: 'HEARTH_AUTH_SECRET',
      present: true,
    });
    expect(JSON.stringify(manifest)).not.toContain('a-test-secret-that-is-long-enough');

    const into = { NATS_URL: target.nats.url, DATABASE_URL: target.db.url };
    const restored = await hearth(into, 'restore', dir);
    expect(restored.stdout).toMatch(/Restored \d+ streams/);
    const nc = await connectNats({ servers: target.nats.url, name: 'cli-backup-test' });
    try {
      const jsm = await jetstreamManager(nc);
      for (const s of manifest.streams)
        expect((await jsm.streams.info(s.name)).state.messages, s.name).toBe(s.state.messages);
    } finally {
      await nc.close();
    }
    // Two runs of the CLI, each a Node process that loads the whole hub (the drill tests refusals).
  }, 120_000);
});
