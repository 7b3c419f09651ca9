import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';

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

/** HSTS only means something over TLS, directly or behind a proxy that says so. */
export const securityHeaders = createMiddleware(async (c, next) => {
  await headers(c, next);
  const https = new URL(c.req.url).protocol === 'https:' || c.req.header('X-Forwarded-Proto') === 'https';
  if (https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
});
