// Rate limits and audit events key on the client's address, resolved once per request: behind
// a trusted proxy (loopback, a reverse proxy on the same host, or HEARTH_TRUSTED_PROXIES) from
// X-Forwarded-For; otherwise the header is whatever the client claims, so the socket wins.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import proxyAddr from 'proxy-addr';
import { canonicalAddress } from './address-form.ts';
import type { HubEnv } from './context.ts';

/**
 * For better-auth (/api/auth/*), after clientIp: X-Forwarded-For becomes the one address the
 * edge resolved (none when it knows none), so better-auth, told to take that header as it is,
 * sees what commands record, and a client's own X-Forwarded-For never reaches it.
 */
export function relayClientIp() {
  return createMiddleware<HubEnv>(async (c, next) => {
    const headers = new Headers(c.req.raw.headers);
    const address = c.get('clientIp') ?? '';
    if (address) headers.set('X-Forwarded-For', address);
    else headers.delete('X-Forwarded-For');
    c.req.raw = new Request(c.req.raw, { headers });
    await next();
  });
}

/** The address relayClientIp handed to better-auth, as its hooks and database hooks read it. */
export function relayedClientIp(source: Request | Headers | undefined): string {
  const headers = source instanceof Request ? source.headers : source;
  return canonicalAddress(headers?.get('X-Forwarded-For') ?? '');
}

/**
 * Sets the request's `clientIp`, which every event and refusal records (in address-form.ts's one
 * spelling): the socket's peer, or, while each hop is a trusted proxy, the X-Forwarded-For entry
 * it appended (from the right). Loopback is trusted unless told otherwise: a reverse proxy on
 * the same host is the common setup, and without it every client would be one address.
 * A request made in-process (tests) has no peer: its X-Forwarded-For is taken as relayed.
 */
export function clientIp(trustedProxies: string[], { trustLoopback = true } = {}) {
  const trusted = trustedBy([...(trustLoopback ? ['loopback'] : []), ...trustedProxies]);
  return createMiddleware<HubEnv>(async (c, next) => {
    const resolved = resolveClientIp(peerAddress(c), c.req.header('X-Forwarded-For'), trusted);
    c.set('clientIp', canonicalAddress(resolved));
    await next();
  });
}

/**
 * The first hop, walking back from the peer, that no trusted proxy vouches for. A hop that is
 * not an address (a proxy relayed garbage) ends the walk at the proxy that relayed it; '' when
 * nothing is known.
 */
export function resolveClientIp(
  peer: string | undefined,
  forwarded: string | undefined,
  trusted: (address: string) => boolean,
): string {
  const relayed = forwarded ? forwarded.split(',') : [];
  let known = '';
  if (peer !== undefined) {
    if (!trusted(peer)) return peer;
    known = peer;
  }
  // At most 32 hops are read: a longer header is a client's invention past the proxies.
  for (let i = relayed.length - 1, seen = 0; i >= 0 && seen < 32; i--, seen++) {
    const hop = (relayed[i] as string).trim();
    if (isIP(hop) === 0) return known;
    if (!trusted(hop)) return hop;
    known = hop;
  }
  return known;
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
