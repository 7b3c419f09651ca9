// Open sign-up is a choice made loudly: `npm start` with HEARTH_OPEN_SIGNUP=true says so in its
// banner and in a warning in the log, and without it says nothing of the kind.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, testDatabase, testNats } from '../../test/services.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let nats: Awaited<ReturnType<typeof testNats>>;
let database: Awaited<ReturnType<typeof testDatabase>>;
let dataDir: string;

beforeAll(async () => {
  nats = await testNats();
  database = await testDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await database.cleanup();
  await nats.cleanup();
});

/** Starts the hub as `npm start` does and returns what it printed once it was up. */
async function start(extra: Record<string, string>): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'edge/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: database.url,
      HEARTH_NAMESPACE: nats.prefix,
      HEARTH_DATA_DIR: dataDir,
      HEARTH_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    while (!out.includes('Hearth is running')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The banner is written in one go after the first line.
    await new Promise((r) => setTimeout(r, 200));
    return out;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('npm start', () => {
  it('says loudly that open sign-up is on, in the banner and the log', async () => {
    const out = await start({ HEARTH_OPEN_SIGNUP: 'true' });
    expect(out).toContain('Open sign-up is on (HEARTH_OPEN_SIGNUP=true)');
    const warning = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.includes('HEARTH_OPEN_SIGNUP is on'));
    expect(warning?.level).toBe(40);
  });

  it('says nothing of it when sign-up is by invite', async () => {
    const out = await start({});
    expect(out).not.toContain('HEARTH_OPEN_SIGNUP');
  });
});
