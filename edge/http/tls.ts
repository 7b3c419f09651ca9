// Whether a request reached the hub over TLS: directly, or through a trusted proxy that says
// so in X-Forwarded-Proto. Anyone else's X-Forwarded-Proto is a claim, not a fact.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { peerAddress, trustedBy } from './client-address.ts';

export function overTls(trustedProxies: string[]): (c: Context) => boolean {
  // Loopback is trusted as clientIp trusts it: a proxy on the same machine, or no socket
  // at all (an in-process request).
  const trusted = trustedBy(['loopback', ...trustedProxies]);
  return (c) => {
    // The socket says whether it is TLS; a request's URL is what the client wrote, and an
    // absolute-form target (`POST https://…`) can claim https over plain http. Only an
    // in-process request (no socket: tests) is taken at its URL's word.
    const socket = (c.env as { incoming?: { socket?: { encrypted?: boolean } } } | undefined)?.incoming
      ?.socket;
    if (socket ? socket.encrypted === true : new URL(c.req.url).protocol === 'https:') return true;
    const proto = c.req.header('X-Forwarded-Proto');
    if (!proto) return false;
    const peer = peerAddress(c);
    if (peer !== undefined && !trusted(peer)) return false;
    // A chain of proxies lists the client's side first.
    return proto.split(',')[0]?.trim().toLowerCase() === 'https';
  };
}

const SECURE = /;\s*secure\s*(;|$)/i;

/**
 * better-auth marks its cookies Secure when the public URL is https. Behind a proxy that ends
 * TLS, the public URL may still say http: then a cookie set over https is marked Secure here,
 * so it never travels over plain http.
 */
export function secureCookiesOverTls(trustedProxies: string[]) {
  const tls = overTls(trustedProxies);
  return createMiddleware(async (c, next) => {
    await next();
    if (!c.res.headers.has('Set-Cookie') || !tls(c)) return;
    const cookies = c.res.headers.getSetCookie();
    // In place: assigning c.res would copy the old Set-Cookie lines back.
    c.res.headers.delete('Set-Cookie');
    for (const cookie of cookies) {
      c.res.headers.append('Set-Cookie', SECURE.test(cookie) ? cookie : `${cookie}; Secure`);
    }
  });
}
