// One place turns every failure into { error, code }; unknown errors become a 500 that leaks nothing.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { commonErrors, HearthError } from '../../contracts/errors.ts';
import { isDatabaseUnavailable } from '../../projectors/runtime/pool.ts';
import type { HubEnv } from './context.ts';
import { requestLogger } from './request-id.ts';

export type ErrorBody = { error: string; code: string; details?: Record<string, unknown> };

export function errorResponse(c: Context, err: HearthError): Response {
  const body: ErrorBody = { error: err.message, code: err.code };
  if (err.details && err.status < 500) body.details = err.details;
  if ((err.status === 429 || err.status === 503) && typeof err.details?.retryAfterSeconds === 'number') {
    c.header('Retry-After', String(err.details.retryAfterSeconds));
  }
  return c.json(body, err.status);
}

const CODES: Partial<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** Seconds a client is told to wait before it asks again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Postgres away (restarting, failing over): the same request will work shortly. */
export const databaseUnavailable = (message = 'The database is not answering just now; retry shortly.') =>
  commonErrors.unavailable(message, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });

/** The request's logger, when the error came after the request id was given. */
const logOf = (c: Context<HubEnv>) => (c.get('rootLogger') ? requestLogger(c) : undefined);

export function onError(err: Error, c: Context<HubEnv>): Response {
  if (err instanceof HearthError) return errorResponse(c, err);
  // Wherever a route met the database, its being away is one answer: 503, retry; never a 500.
  // The access log counts them; the pool and the runner have already said why.
  if (isDatabaseUnavailable(err)) {
    logOf(c)?.debug({ err: { message: err.message } }, 'database unavailable');
    return errorResponse(c, databaseUnavailable());
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = CODES[status] ?? 'http_error';
    return c.json({ error: err.message || 'Request failed.', code }, status);
  }
  logOf(c)?.error({ err }, 'unhandled error');
  return c.json({ error: 'Something went wrong on our side.', code: 'internal' }, 500);
}

export function notFound(c: Context): Response {
  return c.json({ error: 'No such route.', code: 'not_found' }, 404);
}
