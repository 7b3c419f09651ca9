// The restore drill: a hub with a family in it (members, messages, a photo, chores), backed up
// while it runs, then everything destroyed (its nats-server and store, its database) and
// restored into a fresh nats-server and an empty database. A hub started on them must answer
// as the first did: every read model row for row, the audit chain verified against the same
// key, the photo byte for byte, the passwords. Prints the RTO it measured (docs/operations.md).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../../contracts/media.api.ts';
import { findUser } from '../../projectors/identity-users/queries.ts';
import { type PrivateClamd, startClamd, WITHOUT_CLAMD_REASON, withoutClamd } from '../../test/clamd.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { type PrivateNats, startPrivateNats } from '../../test/private-nats.ts';
import { SEARCH_PATH, testDatabase, uniquePrefix } from '../../test/services.ts';
import { connectNats } from '../../writers/log/connect.ts';
import { runBackup } from './backup.ts';
import { RestoreRefused, runRestore } from './restore.ts';

const PATH = SEARCH_PATH;
const prefix = uniquePrefix();
const env = (clamd: PrivateClamd) => ({ CLAMD_URL: clamd.url, HEARTH_COMMAND_RATE_LIMIT: '10000' });

let clamd: PrivateClamd;
let first: { nats: PrivateNats; db: { url: string; cleanup: () => Promise<void> }; t: TestHub };
let second: { nats: PrivateNats; db: { url: string; cleanup: () => Promise<void> }; t?: TestHub };
let dir: string;
let original: { rows: Map<string, string[]>; photo: Buffer; photoUrl: string };
let measured: { backupMs: number; restoreMs: number; readyMs: number };

const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** Every row of every read model, as JSON text, sorted: what two hubs must agree on. */
async function readModelRows(t: TestHub): Promise<Map<string, string[]>> {
  const schemas = t.hub.deps.projectors.names().map((n) => n.replaceAll('-', '_'));
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
        WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'
          AND table_name NOT LIKE 'kysely_migration%' ORDER BY 1, 2`,
      [schemas],
    );
    const out = new Map<string, string[]>();
    for (const { s, t: table } of tables) {
      const { rows } = await client.query<{ r: string }>(
        `SELECT row_to_json(x)::text AS r FROM "${s}"."${table}" x ORDER BY 1`,
      );
      out.set(
        `${s}.${table}`,
        rows.map((r) => r.r),
      );
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Every read model and reactor at the end of its stream. */
const caughtUp = (t: TestHub) =>
  eventually(
    async () => {
      const status = await t.hub.deps.projectors.status();
      return status.every((s) => s.lag === 0 && s.deadLetters === 0) ? status : undefined;
    },
    { timeoutMs: 60_000, what: 'the read models to catch up' },
  );

async function startHub(nats: PrivateNats, databaseUrl: string) {
  return startTestHub({ natsUrl: nats.url, databaseUrl, prefix, env: env(clamd) });
}

beforeAll(async () => {
  if (withoutClamd) return;
  clamd = await startClamd();
  const nats = await startPrivateNats();
  const db = await testDatabase(uniquePrefix());
  first = { nats, db, t: await startHub(nats, db.url) };
  const { t } = first;
  const ann = t.client();
  await ann.signUp({ email: 'ann@family.test', name: 'Ann' });
  const bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  const bobId = (await bob.me()).id;
  // Bob in the users read model, so a channel can name him. His registration reaches the log
  // through the outbox, so read models at the end of the log may not have it yet.
  await eventually(async () => (await findUser(t.hub.deps.db, bobId)) ?? undefined, {
    what: 'Bob in the users read model',
  });
  await caughtUp(t);
  const made = await ann.request('/api/v1/channels', { body: { name: 'Garden', members: [bobId] } });
  expect(made.status, await made.clone().text()).toBe(201);
  const channel = (await made.json()) as { id: string };
  const post = async (who: TestClient, content: string) => {
    const res = await who.request('/api/v1/messages', { body: { channel: channel.id, content } });
    expect(res.status, await res.text()).toBe(201);
  };
  await post(ann, 'the roses are out');
  await post(ann, 'and the beans');
  await post(bob, 'lovely');
  for (const title of ['Dishes', 'Bins']) {
    expect((await ann.request('/api/v1/play/chores', { body: { title, points: 5 } })).status).toBe(201);
  }
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('type', 'photo');
  form.append('file', new Blob([new Uint8Array(photo)]), 'garden.png');
  const up = await t.hub.app.request(`${t.origin}/api/v1/upload`, {
    method: 'POST',
    headers: { Cookie: cookieOf(ann), Origin: t.origin, 'X-Forwarded-For': ann.ip },
    body: form,
  });
  expect(up.status, await up.clone().text()).toBe(201);
  const { url: photoUrl } = (await up.json()) as UploadResponse;
  await caughtUp(t);
  // Each stream's chain signed to its end, so the restored hub has nothing new to sign.
  await t.hub.auditChain.checkpointAll();
  await caughtUp(t);
  original = { rows: await readModelRows(t), photo, photoUrl };

  dir = await mkdtemp(path.join(tmpdir(), 'hearth-backup-'));
  const began = performance.now();
  await runBackup({
    nc: t.hub.deps.log.nc,
    namespace: prefix,
    databaseUrl: db.url,
    searchPath: PATH,
    dir,
    secrets: [],
  });
  const backupMs = performance.now() - began;

  // Destroyed: the hub, its nats-server with its store, its database.
  await t.stop();
  await nats.cleanup();
  await db.cleanup();

  second = { nats: await startPrivateNats(), db: await testDatabase(uniquePrefix()) };
  const restoring = performance.now();
  const nc = await connectNats({ servers: second.nats.url, name: 'restore-drill' });
  try {
    await runRestore({ nc, databaseUrl: second.db.url, searchPath: PATH, dir });
  } finally {
    await nc.close();
  }
  const restoreMs = performance.now() - restoring;
  second.t = await startHub(second.nats, second.db.url);
  await caughtUp(second.t);
  measured = { backupMs, restoreMs, readyMs: performance.now() - restoring };
  process.stdout.write(
    `restore drill: ${original.rows.size} tables, ${[...original.rows.values()].reduce((n, r) => n + r.length, 0)} rows; backup ${Math.round(backupMs)} ms; restore ${Math.round(restoreMs)} ms; restore to caught up (RTO) ${Math.round(measured.readyMs)} ms\n`,
  );
}, 240_000);

afterAll(async () => {
  await second?.t?.stop();
  await second?.nats.cleanup();
  await second?.db.cleanup();
  await clamd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(withoutClamd)(`the restore drill${withoutClamd ? ` (${WITHOUT_CLAMD_REASON})` : ''}`, () => {
  it('brings back every read model row for row', async () => {
    const t = second.t as TestHub;
    const restored = await readModelRows(t);
    expect([...restored.keys()]).toEqual([...original.rows.keys()]);
    const differ = [...original.rows].filter(
      ([table, rows]) => JSON.stringify(restored.get(table)) !== JSON.stringify(rows),
    );
    for (const [table, rows] of differ) expect(restored.get(table), table).toEqual(rows);
    expect([...original.rows.values()].some((rows) => rows.length > 0)).toBe(true);
  });

  it('brings back an audit chain that verifies against the same key', async () => {
    const report = await (second.t as TestHub).hub.auditChain.verify({});
    expect(
      report.streams.every((s) => s.ok),
      JSON.stringify(report.streams),
    ).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('brings back the photo byte for byte, and the passwords', async () => {
    const t = second.t as TestHub;
    const ann = t.client();
    expect((await ann.signIn({ email: 'ann@family.test' })).status).toBe(200);
    const res = await ann.request(original.photoUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(original.photo)).toBe(true);
  });

  it('measured a restore that finished within a minute', () => {
    expect(measured.readyMs).toBeLessThan(60_000);
  });

  it('refuses a backup whose checksums do not match, and a NATS that is not empty', async () => {
    const nc: NatsConnection = await connectNats({ servers: second.nats.url, name: 'restore-drill' });
    try {
      const into = { nc, databaseUrl: second.db.url, searchPath: PATH, dir };
      // Not empty: the restored streams are there.
      await expect(runRestore(into)).rejects.toThrow(/exists/);
      const snap = path.join(dir, 'postgres', 'auth.dump');
      const bytes = await readFile(snap);
      bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 1, bytes.length - 1);
      await writeFile(snap, bytes);
      const refused = await runRestore(into).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(RestoreRefused);
      expect((refused as RestoreRefused).problems).toEqual(['postgres/auth.dump: checksum differs']);
    } finally {
      await nc.close();
    }
  });
});
