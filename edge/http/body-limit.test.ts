// The body limit over a real node server: a declared length over the limit is refused before a
// byte of the body is read, a chunked body is counted as it streams, and a body within the limit
// reaches the route whole, by either path.
import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBody } from './body-limit.ts';
import type { HubEnv } from './context.ts';

let server: Server;
let port = 0;
let reads = 0;

beforeAll(async () => {
  const app = new Hono<HubEnv>();
  app.use(limitBody(100));
  app.post('/echo', async (c) => {
    reads++;
    return c.text(await c.req.text());
  });
  app.get('/echo', (c) => c.text('got'));
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** One request; `chunks` sent one by one, chunked unless a length is given. */
function send(method: string, chunks: string[], length?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: '/echo',
        headers: length === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': length },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('the body limit', () => {
  it('passes a body within the limit, declared or chunked, to the route whole', async () => {
    expect(await send('POST', ['x'.repeat(100)], 100)).toEqual({ status: 200, body: 'x'.repeat(100) });
    expect(await send('POST', ['a'.repeat(50), 'b'.repeat(50)])).toEqual({
      status: 200,
      body: `${'a'.repeat(50)}${'b'.repeat(50)}`,
    });
  });

  it('refuses a declared length over the limit without the route reading it', async () => {
    const before = reads;
    const res = await send('POST', ['x'.repeat(101)], 101);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'payload_too_large' });
    expect(reads).toBe(before);
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const before = reads;
    const res = await send('POST', ['a'.repeat(60), 'b'.repeat(60)]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'payload_too_large' });
    expect(reads).toBe(before);
  });

  it('answers a GET that carries a body as a GET, the body unread', async () => {
    expect(await send('GET', ['x'.repeat(500)], 500)).toEqual({ status: 200, body: 'got' });
  });
});
