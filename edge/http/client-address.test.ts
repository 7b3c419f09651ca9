import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress, inRange } from './client-address.ts';

describe('matching a client address against trusted proxies', () => {
  it('matches IPv4 ranges and exact addresses', () => {
    expect(inRange('127.0.0.1', '127.0.0.0/8')).toBe(true);
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inRange('192.168.1.7', '192.168.1.7')).toBe(true);
    expect(inRange('::1', '::1')).toBe(true);
    expect(inRange('::2', '::1')).toBe(false);
    expect(inRange('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
});

async function echo(trustLoopback: boolean, trusted: string[] = []) {
  const app = new Hono();
  app.use(clientAddress(trusted, { trustLoopback }));
  app.get('/', (c) => c.text(c.req.header('X-Forwarded-For') ?? ''));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'X-Forwarded-For': '6.6.6.6' } });
    return await res.text();
  } finally {
    server.close();
  }
}

describe('the client address seen by rate limits', () => {
  it('replaces a forwarded address claimed by an untrusted peer with the socket address', async () => {
    expect(await echo(false)).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    expect(await echo(true)).toBe('6.6.6.6');
    expect(await echo(false, ['127.0.0.0/8'])).toBe('6.6.6.6');
  });
});
