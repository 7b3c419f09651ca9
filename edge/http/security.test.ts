import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security.ts';

/** The bindings @hono/node-server gives a request that came through a socket from `address`. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 5000 } } });

const hsts = async (address: string) => {
  const app = new Hono();
  app.use(securityHeaders(['10.0.0.0/8']));
  app.get('/', (c) => c.text('ok'));
  const res = await app.request('http://hub/', { headers: { 'X-Forwarded-Proto': 'https' } }, from(address));
  return res.headers.get('Strict-Transport-Security');
};

describe('HSTS', () => {
  it('is sent when a trusted proxy says the request came over TLS', async () => {
    expect(await hsts('10.1.2.3')).toContain('max-age=');
    expect(await hsts('127.0.0.1')).toContain('max-age=');
  });

  it('is not sent on anyone else’s word', async () => {
    expect(await hsts('203.0.113.9')).toBeNull();
  });
});
