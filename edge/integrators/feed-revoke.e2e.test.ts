// A revoke reaches a reader that stopped reading: its connection is dropped, so what the hub
// had queued for it (in the response's buffers and the kernel's) never arrives.
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyMade } from '../../contracts/integrators.api.ts';
import { publishIdentity, signedIn } from '../../test/events.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let server: Server;

beforeAll(async () => {
  t = await startTestHub({ integrators: { batch: 8, maxBytes: 32 * 1024, heartbeatMs: 200 } });
  admin = t.client();
  expect((await admin.signUp({ email: 'mum@family.test', name: 'Mum' })).status).toBe(200);
  // More than the kernel's buffers hold for a reader that does not read: about 6 MiB.
  const big = 'x'.repeat(4000);
  for (let i = 0; i < 1500; i++) {
    const event = signedIn(`bulk${i % 10}`);
    if (event.case === 'signedIn') event.value.userAgent = big;
    await publishIdentity(t.hub.deps.log, event);
  }
  server = serve({ fetch: t.hub.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
}, 120_000);
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await t?.stop();
});

describe('a revoked key with a reader that stopped reading', () => {
  it('gets nothing the hub queued for it before the revoke', async () => {
    const res = await admin.request('/api/v1/admin/keys', {
      body: { name: 'Slow', scopes: ['identity:read', 'identity:personal'] },
    });
    expect(res.status).toBe(201);
    const made = (await res.json()) as ApiKeyMade;
    const { port } = server.address() as AddressInfo;
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      get(
        `http://127.0.0.1:${port}/api/v1/events?subjects=${encodeURIComponent(t.hub.deps.log.names.domainFilter('identity'))}&from_seq=1`,
        { headers: { Authorization: `Bearer ${made.key}` } },
        resolve,
      ).on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    response.pause();
    // Nothing read: the feed fills the buffers, then waits on the reader.
    const sentBefore = await eventually(
      async () => {
        const a = t.hub.integrators.feeds().sent;
        await new Promise((r) => setTimeout(r, 300));
        const b = t.hub.integrators.feeds().sent;
        return a > 0 && a === b ? b : undefined;
      },
      { what: 'the feed waiting on its reader' },
    );
    const stream = t.hub.deps.log.names.stream('identity');
    const lastSeq = (await t.hub.deps.log.jsm.streams.info(stream)).state.last_seq;
    expect(sentBefore).toBeLessThan(lastSeq);
    const ended = new Promise<void>((resolve) => response.once('close', resolve));
    response.on('error', () => undefined);
    expect((await admin.request(`/api/v1/admin/keys/${made.id}/revoke`, { method: 'POST' })).status).toBe(
      200,
    );
    // Read again: what reached this side's buffers before the drop, then the connection ends.
    let text = '';
    response.on('data', (b: Buffer) => {
      text += b.toString('utf8');
    });
    // A 'data' listener does not resume a stream paused by hand, and a socket that does not
    // read never learns of the reset.
    response.resume();
    await ended;
    const seqs = [...text.matchAll(/^id: [A-Z0-9_]+\/([0-9]+)$/gm)].map((m) => Number(m[1]));
    const received = Math.max(0, ...seqs);
    // Dropped, not ended.
    expect(response.complete).toBe(false);
    // Reset, not closed: a close would still deliver the hub's kernel send queue (MiBs on
    // loopback), where a reset leaves the reader its own receive buffer (a few dozen events).
    expect(received).toBeLessThan(sentBefore / 2);
    // The feed waiting on a drain was woken, and gave its place back.
    await eventually(async () => (t.hub.integrators.feeds().open === 0 ? true : undefined), {
      what: 'the revoked feed released',
    });
  }, 120_000);
});
