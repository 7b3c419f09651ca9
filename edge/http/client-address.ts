// Rate limits and audit events key on the client's address. Behind a trusted proxy that is
// X-Forwarded-For; otherwise the header is whatever the client claims, so the socket wins.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';
import type { HubEnv } from './context.ts';

const LOOPBACK = ['127.0.0.0/8', '::1', '::ffff:127.0.0.1'];

export function clientAddress(trustedProxies: string[], { trustLoopback = true } = {}) {
  const trusted = [...(trustLoopback ? LOOPBACK : []), ...trustedProxies];
  return createMiddleware<HubEnv>(async (c, next) => {
    let remote: string | undefined;
    try {
      remote = getConnInfo(c).remote.address;
    } catch {
      remote = undefined; // no socket: an in-process request (tests)
    }
    if (remote && !trusted.some((range) => inRange(remote, range))) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('X-Forwarded-For', remote);
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });
}

export function inRange(address: string, range: string): boolean {
  const [base = '', bits] = range.split('/');
  if (bits === undefined || isIP(base) !== 4 || isIP(address) !== 4) return address === base;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(address) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) + Number(part)) >>> 0, 0);
}
