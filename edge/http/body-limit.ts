// The request body limit, without waking the body. Hono's bodyLimit asks `c.req.raw.body` first,
// which makes @hono/node-server build a whole web Request (an AbortSignal and a ReadableStream)
// for every request, GETs included, and then read the body through web streams instead of its
// direct path. A declared length is all there is to check: node's parser never hands a handler
// more bytes than Content-Length says. Only a chunked body is counted as it streams in.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';
import { errorResponse } from './errors.ts';

/** Methods whose body no route reads: node discards it once the answer is sent. */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function limitBody(maxSize: number): MiddlewareHandler<HubEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<HubEnv>>[0]) =>
    errorResponse(c, commonErrors.payloadTooLarge());
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return createMiddleware<HubEnv>(async (c, next) => {
    if (BODILESS.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined)
      return Number(length) > maxSize ? tooLarge(c) : next();
    return counted(c, next);
  });
}
