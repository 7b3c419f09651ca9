// /ready and /metrics tell how the hub is built and how busy it is. With HEARTH_OPS_TOKEN set,
// they answer whoever holds it as a bearer token (Prometheus, a probe), and no one else: a TCP
// forwarder on this machine makes strangers look local. Without it, they answer only the machine
// itself (loopback, not relayed by a proxy). /health says nothing and stays open.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { peerAddress, trustedBy } from './client-address.ts';
import type { HubEnv } from './context.ts';

const loopback = trustedBy(['loopback']);
/** A proxy on this machine relays strangers from loopback; what it adds says so. */
const RELAYED = ['X-Forwarded-For', 'Forwarded', 'X-Real-IP'];

/** A request from this machine itself: a loopback peer (or none: in-process) that no proxy relayed. */
export function fromThisMachine(c: Context): boolean {
  const peer = peerAddress(c);
  if (peer !== undefined && !loopback(peer)) return false;
  return RELAYED.every((name) => c.req.header(name) === undefined);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function opsOnly(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  const holdsToken = (c: Context) => {
    const given = /^Bearer +(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    return expected !== undefined && given !== undefined && timingSafeEqual(digest(given), expected);
  };
  return createMiddleware<HubEnv>(async (c, next) => {
    if (expected === undefined ? fromThisMachine(c) : holdsToken(c)) return next();
    return c.json(
      { error: 'This answers only the machine itself or the operations token.', code: 'unauthorized' },
      401,
      { 'WWW-Authenticate': 'Bearer realm="hearth-ops"' },
    );
  });
}
