import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testDatabase, testNats } from '../test/services.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/hearth.mjs', import.meta.url));
let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
const hearth = (...args: string[]) =>
  run(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: database.url,
      HEARTH_NAMESPACE: nats.prefix,
      LOG_LEVEL: 'silent',
    },
  });

beforeAll(async () => {
  nats = await testNats();
  database = await testDatabase();
});
afterAll(async () => {
  await database.cleanup();
  await nats.cleanup();
});

describe('the hearth CLI', { timeout: 120_000 }, () => {
  it('lists the streams that hold the audit log', async () => {
    const { stdout } = await hearth('streams');
    expect(stdout).toContain(`${nats.prefix.toUpperCase()}_IDENTITY`);
    expect(stdout).toContain('365');
  });

  it('rebuilds a read model and reports progress', async () => {
    const { stdout, stderr } = await hearth('rebuild', 'identity_users');
    expect(stdout).toContain('rebuilt identity_users');
    expect(stderr).toContain('done');
  });

  it('lists users and read models', async () => {
    expect((await hearth('users')).stdout).toContain('(none)');
    expect((await hearth('read-models')).stdout).toContain('identity_users');
  });

  it('refuses an unknown read model with a clear message', async () => {
    await expect(hearth('rebuild', 'nope')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no read model named nope'),
    });
  });
});
