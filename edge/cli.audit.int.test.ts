// `hearth audit verify` and `hearth audit export-stream` against a hub's chained log.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_AUDIT_KEY, type TestHub } from '../test/hub.ts';
import { NATS_URL, uniquePrefix } from '../test/services.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/hearth.mjs', import.meta.url));
const prefix = uniquePrefix();
let t: TestHub;
let dir: string;
const hearthIn = (env: Record<string, string | undefined>, ...args: string[]) =>
  run(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: t.databaseUrl,
      HEARTH_NAMESPACE: prefix,
      LOG_LEVEL: 'silent',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
const hearth = (...args: string[]) => hearthIn({ HEARTH_AUDIT_SIGNING_KEY: TEST_AUDIT_KEY }, ...args);
/** The names in that data dir's secrets.json. */
const keptNames = async () =>
  Object.keys(
    JSON.parse(await readFile(path.join(dir, 'empty', 'secrets.json'), 'utf8').catch(() => '{}')) as object,
  );
/** On a machine with no signing key: none configured, and a data dir without secrets.json. */
const elsewhere = (...args: string[]) =>
  hearthIn({ HEARTH_AUDIT_SIGNING_KEY: undefined, HEARTH_DATA_DIR: path.join(dir, 'empty') }, ...args);

beforeAll(async () => {
  t = await startTestHub({ prefix });
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-audit-'));
  const admin = t.client();
  await admin.signUp({ email: 'ada@example.com' });
  await t.client().signUp({ email: 'bob@example.com' });
  await t.hub.auditChain.checkpointAll();
});
afterAll(async () => {
  await t.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('hearth audit', { timeout: 120_000 }, () => {
  it('verifies every stream and exits 0', async () => {
    const { stdout } = await hearth('audit', 'verify');
    expect(stdout).toMatch(/IDENTITY: ok/);
    expect(stdout).toMatch(/AUDIT: ok/);
    expect(stdout).toContain('verified');
  });

  it('exports a stream that then verifies as a file, and exits 1 naming the seq of swapped lines', async () => {
    const { stdout } = await hearth('audit', 'export-stream', 'identity');
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    const file = path.join(dir, 'identity.jsonl');
    await writeFile(file, stdout);
    expect((await hearth('audit', 'verify', '--file', file)).stdout).toMatch(/IDENTITY: ok/);

    const swapped = [...lines];
    [swapped[0], swapped[1]] = [lines[1] as string, lines[0] as string];
    await writeFile(file, `${swapped.join('\n')}\n`);
    await expect(hearth('audit', 'verify', '--file', file)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/seq 1: reordered/),
    });
    expect(await readFile(file, 'utf8')).toContain('"seq":2');
  });

  it('with no key, says so and makes none; with --public-key (base64 or a PEM file) it verifies', async () => {
    await expect(elsewhere('audit', 'verify')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no audit public key.*--public-key/),
    });
    expect(await keptNames()).not.toContain('auditSigningKey');
    const { public_key, public_key_pem } = t.hub.auditChain.publicKey();
    expect((await elsewhere('audit', 'verify', '--public-key', public_key)).stdout).toMatch(/^verified$/m);
    const pem = path.join(dir, 'audit.pub.pem');
    await writeFile(pem, public_key_pem);
    expect((await elsewhere('audit', 'verify', '--public-key', pem)).stdout).toMatch(/CHAT: ok/);
    expect(await keptNames()).not.toContain('auditSigningKey');
    await expect(elsewhere('audit', 'verify', '--public-key', 'not-a-key')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--public-key/),
    });
  });

  it('refuses an unknown stream', async () => {
    await expect(hearth('audit', 'verify', '--stream', 'nope')).rejects.toMatchObject({ code: 1 });
  });
});
