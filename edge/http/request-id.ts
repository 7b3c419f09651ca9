import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
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
    c.set('rootLogger', logger);
    c.header('X-Request-ID', id);
    await next();
  });
}

/**
 * The request's logger, its lines carrying the request id. Made on first use: a pino child
 * per request (its bindings serialised, its formatters built) is a cost most requests, which
 * log one access line, do not need.
 */
export function requestLogger(c: Context<HubEnv>): Logger {
  let logger = c.get('logger');
  if (!logger) {
    logger = c.get('rootLogger').child({ requestId: c.get('requestId') });
    c.set('logger', logger);
  }
  return logger;
}
