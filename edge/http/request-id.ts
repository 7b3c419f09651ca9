import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { HubEnv } from './context.ts';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a sane X-Request-ID or makes one; it goes on the response and on every log line. */
export function requestId(logger: Logger) {
  return createMiddleware<HubEnv>(async (c, next) => {
    const given = c.req.header('X-Request-ID');
    const id = given && VALID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    c.set('logger', logger.child({ requestId: id }));
    c.header('X-Request-ID', id);
    await next();
  });
}
