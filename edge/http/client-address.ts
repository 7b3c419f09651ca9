// Rate limits and audit events key on the client's address. Behind a trusted proxy that is
// X-Forwarded-For; otherwise the header is whatever the client claims, so the socket wins.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import proxyAddr from 'proxy-addr';
import type { HubEnv } from './context.ts';

export function clientAddress(trustedProxies: string[], { trustLoopback = true } = {}) {
  const trusted = trustedBy([...(trustLoopback ? ['loopback'] : []), ...trustedProxies]);
  return createMiddleware<HubEnv>(async (c, next) => {
    const remote = peerAddress(c);
    if (remote && !trusted(remote)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('X-Forwarded-For', remote);
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });
}

/** The address at the other end of the socket; undefined for an in-process request (tests). */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Whether an address is in one of `ranges`: IPv4 or IPv6 addresses and CIDRs (an IPv4 address
 * also matches in its IPv6-mapped form), or proxy-addr's names such as 'loopback'. Throws on a
 * range that is none of these.
 */
export function trustedBy(ranges: string[]): (address: string) => boolean {
  const trust = proxyAddr.compile(ranges.flatMap(halves));
  return (address) => trust(address, 0);
}

/** proxy-addr refuses a /0 prefix; the two halves of that address family say the same. */
function halves(range: string): string[] {
  if (!range.endsWith('/0')) return [range];
  const family = isIP(range.slice(0, -2));
  if (family === 4) return ['0.0.0.0/1', '128.0.0.0/1'];
  if (family === 6) return ['::/1', '8000::/1'];
  return [range];
}
