import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { HubEnv } from './context.ts';
import { opsOnly } from './ops.ts';

const TOKEN = 'f3a9c1d27b8e4f60a5d3c2b1e0f9a8b7';
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 5000 } } });

function app(token?: string) {
  const app = new Hono<HubEnv>();
  app.get('/metrics', opsOnly(token), (c) => c.text('hearth_up 1'));
  return app;
}

const status = async (
  hub: Hono<HubEnv>,
  { address, headers = {} }: { address?: string; headers?: Record<string, string> },
) => (await hub.request('/metrics', { headers }, address ? from(address) : undefined)).status;

describe('/ready and /metrics', () => {
  it('answer the machine itself', async () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(await status(app(), { address }), address).toBe(200);
    }
  });

  it('refuse anyone else with 401 and the envelope, asking for a bearer token', async () => {
    const res = await app(TOKEN).request('/metrics', {}, from('10.1.2.3'));
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'unauthorized' });
  });

  it('refuse a stranger relayed by a proxy on this machine', async () => {
    for (const name of ['X-Forwarded-For', 'Forwarded', 'X-Real-IP']) {
      expect(await status(app(), { address: '127.0.0.1', headers: { [name]: '203.0.113.9' } }), name).toBe(
        401,
      );
    }
  });

  it('answer whoever holds the operations token, from anywhere', async () => {
    const headers = { Authorization: `Bearer ${TOKEN}` };
    expect(await status(app(TOKEN), { address: '203.0.113.9', headers })).toBe(200);
    expect(
      await status(app(TOKEN), {
        address: '127.0.0.1',
        headers: { ...headers, 'X-Forwarded-For': '203.0.113.9' },
      }),
    ).toBe(200);
  });

  it('once a token is set, want it from the machine itself too (a TCP forwarder looks local)', async () => {
    expect(await status(app(TOKEN), { address: '127.0.0.1' })).toBe(401);
    expect(
      await status(app(TOKEN), { address: '127.0.0.1', headers: { Authorization: `Bearer ${TOKEN}` } }),
    ).toBe(200);
  });

  it('refuse a wrong token, and any token when none is configured', async () => {
    for (const given of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      TOKEN,
      'Bearer ',
      `Basic ${TOKEN}`,
    ]) {
      expect(
        await status(app(TOKEN), { address: '203.0.113.9', headers: { Authorization: given } }),
        given,
      ).toBe(401);
    }
    const headers = { Authorization: `Bearer ${TOKEN}` };
    expect(await status(app(), { address: '203.0.113.9', headers })).toBe(401);
  });
});
