import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { overTls, secureCookiesOverTls } from './tls.ts';

/** The bindings @hono/node-server gives a request that came through a socket from `address`. */
const from = (address: string, encrypted = false) => ({
  incoming: { socket: { remoteAddress: address, remotePort: 5000, encrypted } },
});

function app() {
  const app = new Hono();
  const tls = overTls(['10.0.0.0/8']);
  app.use(secureCookiesOverTls(['10.0.0.0/8']));
  app.get('/tls', (c) => c.json({ tls: tls(c) }));
  app.post('/sign-in', (c) => {
    c.header('Set-Cookie', 'session=abc; Path=/; HttpOnly; SameSite=Lax', { append: true });
    c.header('Set-Cookie', 'already=1; Path=/; Secure', { append: true });
    return c.json({ ok: true });
  });
  return app;
}

const tlsOf = async (headers: Record<string, string>, address?: string, url = 'http://hub/tls') =>
  (
    (await (await app().request(url, { headers }, address ? from(address) : undefined)).json()) as {
      tls: boolean;
    }
  ).tls;

describe('whether a request came over TLS', () => {
  it('believes X-Forwarded-Proto from a trusted proxy, loopback included', async () => {
    expect(await tlsOf({ 'X-Forwarded-Proto': 'https' }, '10.1.2.3')).toBe(true);
    expect(await tlsOf({ 'X-Forwarded-Proto': 'https' }, '127.0.0.1')).toBe(true);
    expect(await tlsOf({ 'X-Forwarded-Proto': 'https' }, '::ffff:10.9.9.9')).toBe(true);
    expect(await tlsOf({ 'X-Forwarded-Proto': 'HTTPS, http' }, '10.1.2.3')).toBe(true);
    expect(await tlsOf({ 'X-Forwarded-Proto': 'http' }, '10.1.2.3')).toBe(false);
    expect(await tlsOf({}, '10.1.2.3')).toBe(false);
  });

  it('does not believe it from anyone else', async () => {
    expect(await tlsOf({ 'X-Forwarded-Proto': 'https' }, '203.0.113.9')).toBe(false);
    // An absolute-form target over a plain socket claims https; the socket says otherwise.
    expect(await tlsOf({}, '203.0.113.9', 'https://hub/tls')).toBe(false);
  });

  it('knows a request that arrived over TLS itself', async () => {
    const res = await app().request('https://hub/tls', {}, from('203.0.113.9', true));
    expect(await res.json()).toEqual({ tls: true });
  });
});

describe('cookies set over TLS through a trusted proxy', () => {
  const cookies = async (headers: Record<string, string>, address: string) =>
    (await app().request('/sign-in', { method: 'POST', headers }, from(address))).headers.getSetCookie();

  it('are marked Secure, once', async () => {
    expect(await cookies({ 'X-Forwarded-Proto': 'https' }, '10.1.2.3')).toEqual([
      'session=abc; Path=/; HttpOnly; SameSite=Lax; Secure',
      'already=1; Path=/; Secure',
    ]);
  });

  it('are left as they are over plain http, or when a stranger claims https', async () => {
    const plain = ['session=abc; Path=/; HttpOnly; SameSite=Lax', 'already=1; Path=/; Secure'];
    expect(await cookies({}, '10.1.2.3')).toEqual(plain);
    expect(await cookies({ 'X-Forwarded-Proto': 'https' }, '203.0.113.9')).toEqual(plain);
  });
});
