import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIp, relayClientIp, resolveClientIp, trustedBy } from './client-address.ts';
import type { HubEnv } from './context.ts';

const inRange = (address: string, range: string) => trustedBy([range])(address);

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

  it('matches IPv6 addresses and ranges, in any spelling', () => {
    expect(inRange('2001:db8::7', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:0db8:0:0:0:0:0:7', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::7', '2001:db8::/32')).toBe(false);
    expect(inRange('fd00::1:2', 'fd00::/8')).toBe(true);
    expect(inRange('0:0:0:0:0:0:0:1', '::1')).toBe(true);
    expect(inRange('fe80::1', '::/0')).toBe(true);
    expect(inRange('1.2.3.4', '2001:db8::/32')).toBe(false);
  });

  it('matches an IPv4 address that arrives IPv6-mapped', () => {
    expect(inRange('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('::ffff:11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(trustedBy(['loopback'])('::ffff:127.0.0.1')).toBe(true);
  });

  it('matches no malformed address, and refuses a malformed range', () => {
    expect(inRange('not-an-ip', '0.0.0.0/0')).toBe(false);
    expect(() => trustedBy(['10.0.0.0/33'])).toThrow();
    expect(() => trustedBy(['proxy.example'])).toThrow();
  });
});

async function echo(
  trustLoopback: boolean,
  trusted: string[] = [],
  host = '127.0.0.1',
  forwarded = '6.6.6.6',
) {
  const app = new Hono<HubEnv>();
  app.use(clientIp(trusted, { trustLoopback }));
  app.use(relayClientIp());
  // What better-auth reads, and what events record: the same.
  app.get('/', (c) => c.text(`${c.req.header('X-Forwarded-For') ?? ''} ${c.get('clientIp')}`));
  const server = serve({ fetch: app.fetch, port: 0, hostname: host });
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    const url = host.includes(':') ? `http://[${host}]:${port}/` : `http://${host}:${port}/`;
    const res = await fetch(url, { headers: { 'X-Forwarded-For': forwarded } });
    const [relayed, recorded] = (await res.text()).split(' ');
    expect(relayed).toBe(recorded);
    return relayed;
  } finally {
    server.close();
  }
}

describe('the client address better-auth sees and events record', () => {
  it('replaces a forwarded address claimed by an untrusted peer with the socket address', async () => {
    expect(await echo(false)).toBe('127.0.0.1');
  });

  it('believes X-Forwarded-For from a trusted proxy', async () => {
    expect(await echo(true)).toBe('6.6.6.6');
    expect(await echo(false, ['127.0.0.0/8'])).toBe('6.6.6.6');
  });

  it('does the same for a peer on IPv6', async () => {
    expect(await echo(false, [], '::1')).toBe('::1');
    expect(await echo(true, [], '::1')).toBe('6.6.6.6');
    expect(await echo(false, ['::/64'], '::1')).toBe('6.6.6.6');
  });

  it('is one address in one spelling, whatever chain or spelling the proxy relays', async () => {
    expect(await echo(true, [], '127.0.0.1', '1.2.3.4, 2001:0DB8:0:0:0:0:0:7')).toBe('2001:db8::7');
    expect(await echo(true, [], '127.0.0.1', '::ffff:198.51.100.9')).toBe('198.51.100.9');
    // A client behind the loopback proxy that adds its own header: the proxy's entry wins.
    expect(await echo(true, [], '127.0.0.1', '6.6.6.6, 203.0.113.5')).toBe('203.0.113.5');
  });

  it('is the proxy itself when loopback is not trusted', async () => {
    expect(await echo(false, [], '127.0.0.1', '6.6.6.6, 203.0.113.5')).toBe('127.0.0.1');
  });
});

describe('the client address that commands and refusals record', () => {
  const trusted = trustedBy(['loopback', '10.0.0.0/8']);

  it('is the peer when no trusted proxy stands in between', () => {
    expect(resolveClientIp('203.0.113.5', '6.6.6.6', trusted)).toBe('203.0.113.5');
  });

  it('walks back through trusted proxies to the first hop none vouches for', () => {
    expect(resolveClientIp('127.0.0.1', '6.6.6.6, 198.51.100.2, 10.1.1.1', trusted)).toBe('198.51.100.2');
    expect(resolveClientIp('10.0.0.1', '2001:db8::7', trusted)).toBe('2001:db8::7');
  });

  it('takes a request made in-process (no peer) as relayed', () => {
    expect(resolveClientIp(undefined, '10.2.3.4', trusted)).toBe('10.2.3.4');
    expect(resolveClientIp(undefined, undefined, trusted)).toBe('');
  });

  it('stops at the proxy that relayed something that is not an address', () => {
    expect(resolveClientIp('127.0.0.1', '<script>, 10.1.1.1', trusted)).toBe('10.1.1.1');
    expect(resolveClientIp('127.0.0.1', '\u0000', trusted)).toBe('127.0.0.1');
    expect(resolveClientIp(undefined, 'unknown', trusted)).toBe('');
  });
});
