// One place turns every failure into { error, code }; unknown errors become a 500 that leaks nothing.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HearthError } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';
import { requestLogger } from './request-id.ts';

export type ErrorBody = { error: string; code: string; details?: Record<string, unknown> };

export function errorResponse(c: Context, err: HearthError): Response {
  const body: ErrorBody = { error: err.message, code: err.code };
  if (err.details && err.status < 500) body.details = err.details;
  if (err.status === 429 && typeof err.details?.retryAfterSeconds === 'number') {
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

export function onError(err: Error, c: Context<HubEnv>): Response {
  if (err instanceof HearthError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = CODES[status] ?? 'http_error';
    return c.json({ error: err.message || 'Request failed.', code }, status);
  }
  (c.get('rootLogger') ? requestLogger(c) : undefined)?.error({ err }, 'unhandled error');
  return c.json({ error: 'Something went wrong on our side.', code: 'internal' }, 500);
}

export function notFound(c: Context): Response {
  return c.json({ error: 'No such route.', code: 'not_found' }, 404);
}
