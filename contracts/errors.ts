// Every error a client can see: a stable code plus the HTTP status it maps to.
// Domains declare theirs once with defineErrors; the edge turns them into { error, code }.

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export class HearthError extends Error {
  readonly code: string;
  readonly status: ErrorStatus;
  readonly details: Record<string, unknown> | undefined;

  constructor(opts: {
    code: string;
    status: ErrorStatus;
    message: string;
    details?: Record<string, unknown>;
  }) {
    super(opts.message);
    this.name = 'HearthError';
    this.code = opts.code;
    this.status = opts.status;
    this.details = opts.details;
  }
}

type ErrorSpec = { status: ErrorStatus; message: string };

/** defineErrors({ notFound: { status: 404, message: '…' } }, 'identity') → factories with codes identity.not_found */
export function defineErrors<T extends Record<string, ErrorSpec>>(
  domain: string,
  specs: T,
): { [K in keyof T]: (message?: string, details?: Record<string, unknown>) => HearthError } {
  const out = {} as { [K in keyof T]: (message?: string, details?: Record<string, unknown>) => HearthError };
  for (const key of Object.keys(specs) as (keyof T & string)[]) {
    const spec = specs[key] as ErrorSpec;
    const code = domain ? `${domain}.${snake(key)}` : snake(key);
    out[key] = (message, details) =>
      new HearthError({ code, status: spec.status, message: message ?? spec.message, details });
  }
  return out;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Errors every route can produce, without a domain prefix. */
export const commonErrors = defineErrors('', {
  invalidRequest: { status: 400, message: 'The request is invalid.' },
  unauthorized: { status: 401, message: 'Sign in first.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  notFound: { status: 404, message: 'Not found.' },
  conflict: { status: 409, message: 'Someone else changed this first; the command no longer applies.' },
  idempotencyKeyReused: {
    status: 422,
    message: 'This Idempotency-Key was already used for a different request.',
  },
  tooManyEvents: { status: 422, message: 'There are too many events to fold in one request.' },
  payloadTooLarge: { status: 413, message: 'The request body is too large.' },
  unsupportedMediaType: { status: 415, message: 'Send the body as application/json.' },
  rateLimited: { status: 429, message: 'Too many requests; slow down.' },
  notCaughtUp: { status: 503, message: 'The read model has not caught up yet; retry shortly.' },
  unavailable: { status: 503, message: 'A backing service is unavailable; retry shortly.' },
});
