// The outbox survives the log being away: a sign-up while NATS is down reaches the stream
// exactly once when NATS comes back. A private nats-server, so stopping it disturbs no one.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, identityEvents, startTestHub, type TestHub } from '../../test/hub.ts';
import { NATS_SERVER_BIN as NATS_SERVER } from '../../test/services.ts';

let port: number;
let storeDir: string;
let server: ChildProcess | undefined;
let t: TestHub;
let db: pg.Pool;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startNats(): Promise<void> {
  const child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server = child;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${out}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${out}`)));
  });
}

async function stopNats(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const registrations = async (email: string) =>
  (await identityEvents(t.hub)).filter((e) => e.case === 'userRegistered' && e.value.email === email);

const pending = async () =>
  Number((await db.query('SELECT count(*) AS n FROM auth.outbox WHERE published_at IS NULL')).rows[0]?.n);

beforeAll(async () => {
  port = await freePort();
  storeDir = await mkdtemp(join(tmpdir(), 'hearth-nats-'));
  await startNats();
  t = await startTestHub({ natsUrl: `nats://127.0.0.1:${port}` });
  db = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
  db.on('error', () => undefined);
});
afterAll(async () => {
  if (!server) await startNats().catch(() => undefined);
  await db?.end();
  await t?.stop();
  await stopNats();
  await rm(storeDir, { recursive: true, force: true });
});

describe('when NATS is down', () => {
  it('keeps a sign-up in the outbox and publishes it exactly once when NATS is back', async () => {
    const admin = t.client();
    expect((await admin.signUp({ email: 'root@family.test' })).status).toBe(200);
    await eventually(async () => ((await registrations('root@family.test')).length ? true : undefined));

    await stopNats();
    const offline = t.client();
    expect((await offline.signUp({ email: 'offline@family.test' })).status).toBe(200);
    const offlineId = (await offline.me()).id;
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pending()).toBeGreaterThan(0);

    await startNats();
    const found = await eventually(
      async () => {
        const r = await registrations('offline@family.test');
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'the registration after the outage' },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ value: { userId: offlineId, role: 'member' } });
    await eventually(async () => ((await pending()) === 0 ? true : undefined), { timeoutMs: 10_000 });
    // Nothing arrives twice, however often the relay retried while NATS was away.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await registrations('offline@family.test')).toHaveLength(1);
    const signedIn = (await identityEvents(t.hub)).filter(
      (e) => e.case === 'signedIn' && e.value.userId === offlineId,
    );
    expect(signedIn).toHaveLength(1);
  }, 60_000);

  it('publishes a row once even if the relay crashed between publish and mark', async () => {
    const { rows } = await db.query<{ id: string; seq: string }>(
      "SELECT id, seq FROM auth.outbox WHERE type = 'userRegistered' ORDER BY id DESC LIMIT 1",
    );
    const row = rows[0];
    expect(row?.seq).toBeTruthy();
    await db.query('UPDATE auth.outbox SET published_at = NULL, seq = NULL WHERE id = $1', [row?.id]);
    await db.query("NOTIFY hearth_outbox, ''");
    await eventually(async () => ((await pending()) === 0 ? true : undefined));
    const again = await db.query<{ seq: string }>('SELECT seq FROM auth.outbox WHERE id = $1', [row?.id]);
    expect(again.rows[0]?.seq).toBe(row?.seq);
    expect(await registrations('offline@family.test')).toHaveLength(1);
  });

  it('sets aside a row it cannot encode and relays the rows behind it', async () => {
    await db.query(`SELECT auth.outbox_record('bogus', 'nobody', '{}'::jsonb, '', '')`);
    const late = t.client();
    expect((await late.signUp({ email: 'late@family.test' })).status).toBe(200);
    await eventually(async () => ((await registrations('late@family.test')).length === 1 ? true : undefined));
    const { rows } = await db.query<{ error: string; published_at: Date | null }>(
      "SELECT error, published_at FROM auth.outbox WHERE type = 'bogus'",
    );
    expect(rows[0]?.error).toMatch(/unknown outbox event type/);
    expect(rows[0]?.published_at).not.toBeNull();
  });
});
