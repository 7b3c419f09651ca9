// The audit export over a real HTTP server, where a client can ask HEAD, stop reading or go
// away: none of them leaves a database connection in a transaction, and a hub runs at most two
// exports at once.
import type { IncomingMessage, Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../test/db.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';
import { createApp } from '../app.ts';
import { auditRoutes } from './routes.ts';

let t: TestHub;
let admin: TestClient;
let db: Kysely<unknown>;
const servers: Server[] = [];
/** The hub's own app, and one whose exports wait 300 ms for their reader. */
let hubUrl: string;
let impatientUrl: string;

async function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<string> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'boss@family.test', name: 'Boss' });
  db = openDb(t.databaseUrl, 1).db;
  // Far more than the sockets' buffers hold, so an export is still under way when a client stalls.
  await sql`INSERT INTO audit_log_home.entries (seq, at, actor_id, action, target, outcome, user_agent, count, details)
    SELECT n, now() - n * interval '1 second', 'someone', 'home.InboxRead', 'home.member.x.inbox', 'ok',
      repeat('u', 600), 1, '{}'::jsonb
    FROM generate_series(1000000, 1040000) AS n`.execute(db);
  hubUrl = await listen(t.hub.app.fetch);
  const { deps } = t.hub;
  impatientUrl = await listen(
    createApp({ ...deps, apiRoutes: [auditRoutes(deps, { exportIdleMs: 300 })] }).fetch,
  );
}, 120_000);
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.destroy();
  await t?.stop();
});

const cookie = () => [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** A request whose response is handed back as soon as its head arrives, unread. */
function ask(base: string, method: 'GET' | 'HEAD', path = '/api/v1/audit/export?format=csv') {
  const req = request(`${base}${path}`, { method, headers: { Cookie: cookie() } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.end();
  return { req, response };
}

/** The first chunk of the body, then the response paused: the client stops reading. */
async function firstChunkThenStall(res: IncomingMessage): Promise<void> {
  await new Promise<void>((resolve) => res.once('data', () => resolve()));
  res.pause();
}

/** Connections of this database in a transaction with the export's cursor. */
async function exporting(): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND query LIKE '%audit_export%' AND state <> 'idle'`.execute(db);
  return Number(rows[0]?.n);
}
const none = async () => ((await exporting()) === 0 ? true : undefined);

describe('the audit export over HTTP', () => {
  it('answers HEAD with the headers and opens no cursor', async () => {
    for (let i = 0; i < 4; i++) {
      const { response } = ask(hubUrl, 'HEAD');
      const res = await response;
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      res.resume();
    }
    expect(await exporting()).toBe(0);
    // And the pool still answers.
    expect((await admin.request('/api/v1/audit/entries?limit=1')).status).toBe(200);
  });

  it('frees the connection when the client goes away mid-download', async () => {
    const { req, response } = ask(hubUrl, 'GET');
    const res = await response;
    expect(res.statusCode).toBe(200);
    await firstChunkThenStall(res);
    expect(await exporting()).toBe(1);
    req.destroy();
    await eventually(none, { what: 'the export connection freed' });
  });

  it('cuts off a client that stops reading, and frees its connection', async () => {
    const { response } = ask(impatientUrl, 'GET');
    const res = await response;
    expect(res.statusCode).toBe(200);
    const ended = new Promise<string>((resolve) => {
      res.once('error', () => resolve('error'));
      res.once('aborted', () => resolve('aborted'));
      res.once('close', () => resolve(res.complete ? 'complete' : 'cut off'));
    });
    await firstChunkThenStall(res);
    await eventually(none, { what: 'the stalled export connection freed' });
    // Reading again finds the download broken off, not complete.
    res.resume();
    expect(await ended).not.toBe('complete');
  });

  it('runs at most two exports at once, then answers 503 with Retry-After', async () => {
    const running = [ask(hubUrl, 'GET'), ask(hubUrl, 'GET')];
    for (const r of running) {
      const res = await r.response;
      expect(res.statusCode).toBe(200);
      await firstChunkThenStall(res);
    }
    const third = await ask(hubUrl, 'GET').response;
    expect(third.statusCode).toBe(503);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      third.on('data', (d: Buffer) => {
        text += d.toString();
      });
      third.on('end', () => resolve(text));
    });
    expect(JSON.parse(body)).toMatchObject({ code: 'unavailable' });
    for (const r of running) r.req.destroy();
    await eventually(none, { what: 'both exports freed' });
    const again = await ask(hubUrl, 'GET');
    const res = await again.response;
    expect(res.statusCode).toBe(200);
    again.req.destroy();
    await eventually(none, { what: 'the last export freed' });
  });
});
