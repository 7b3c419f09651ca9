import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { overTls } from './tls.ts';

const headers = secureHeaders({
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    imgSrc: ["'self'", 'data:', 'blob:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    scriptSrc: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
  },
});

/**
 * HSTS only means something over TLS, directly or behind a trusted proxy that says so; a
 * header anyone can send is not that.
 */
export function securityHeaders(trustedProxies: string[] = []) {
  const tls = overTls(trustedProxies);
  return createMiddleware(async (c, next) => {
    await headers(c, next);
    if (tls(c)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  });
}
