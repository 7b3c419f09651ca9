// `hearth invite` against a running hub's NATS and Postgres: the link it prints lets one
// person in with the role asked for, and the invite is on the log like any other.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityEvents, startTestHub, type TestHub } from '../test/hub.ts';
import { NATS_URL, uniquePrefix } from '../test/services.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/hearth.mjs', import.meta.url));
const prefix = uniquePrefix();
let t: TestHub;

const hearth = (...args: string[]) =>
  run(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      NATS_URL,
      DATABASE_URL: t.databaseUrl,
      HEARTH_NAMESPACE: prefix,
      HEARTH_PUBLIC_URL: 'https://hearth.family.test',
      LOG_LEVEL: 'silent',
    },
  });

beforeAll(async () => {
  t = await startTestHub({ prefix, identity: { openSignup: false } });
  expect((await t.client().signUp({ email: 'mum@family.test' })).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

describe('hearth invite', { timeout: 120_000 }, () => {
  it('prints a link that lets one person in as a child', async () => {
    const { stdout } = await hearth('invite', '--role', 'child', '--expires', '2d', '--uses', '1');
    const link = /https:\/\/hearth\.family\.test\/sign-up\?invite=([A-Za-z0-9_-]{43})/.exec(stdout);
    expect(link, stdout).not.toBeNull();
    const token = link?.[1] ?? '';
    expect(stdout).toContain('one person as child');

    const kid = t.client();
    expect((await kid.signUp({ email: 'kid@family.test', invite: token })).status).toBe(200);
    expect((await kid.me()).role).toBe('child');
    const again = await t.client().signUp({ email: 'kid2@family.test', invite: token });
    expect((await again.json()).code).toBe('identity.invite_used_up');

    const created = (await identityEvents(t.hub)).find((e) => e.case === 'inviteCreated');
    expect(created?.value).toMatchObject({ role: 'child', maxUses: 1, createdBy: '' });
  });

  it('links to the running hub’s public URL, read from its runtime file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
    try {
      // As `npm start` leaves it: this process stands in for the hub, which must be alive.
      await writeFile(
        join(dataDir, 'runtime.json'),
        JSON.stringify({
          pid: process.pid,
          natsUrl: NATS_URL,
          databaseUrl: t.databaseUrl,
          namespace: prefix,
          publicUrl: 'https://home.family.test',
        }),
      );
      const { NATS_URL: _n, DATABASE_URL: _d, HEARTH_PUBLIC_URL: _p, ...env } = process.env;
      const { stdout } = await run(process.execPath, [bin, 'invite', '--role', 'member'], {
        env: { ...env, HEARTH_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      });
      expect(stdout).toMatch(/https:\/\/home\.family\.test\/sign-up\?invite=/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a role, an expiry or a number of uses it does not know, saying which', async () => {
    for (const [args, message] of [
      [['--role', 'owner'], '--role must be child, member or admin'],
      [['--role', 'member', '--expires', 'soon'], '--expires must be minutes, hours or days'],
      [['--role', 'member', '--uses', '0'], '--uses must be a whole number from 1 to 100'],
    ] as const) {
      await expect(hearth('invite', ...args)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(message),
      });
    }
  });
});
