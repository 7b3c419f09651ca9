// better-auth speaks { message, code: 'UPPER_SNAKE' }; Hearth speaks { error, code }. Its codes
// become identity.<lower_snake>, e.g. INVALID_EMAIL_OR_PASSWORD → identity.invalid_email_or_password.
import { isAPIError } from 'better-auth/api';
import { defineErrors, type ErrorStatus, HearthError } from '../../contracts/errors.ts';

/** Identity errors the edge raises itself (the writer's are in writers/identity/errors.ts). */
export const edgeIdentityErrors = defineErrors('identity', {
  sessionNotFound: { status: 404, message: 'No such session for this user.' },
  requesterNotInFamily: {
    status: 400,
    message: 'An erasure is requested by the member themselves or by a parent: a member of the family.',
  },
  banned: { status: 403, message: bannedMessage({ reason: '', until: null }) },
  domainsNeedMail: {
    status: 409,
    message:
      'Sign-up by email domain needs Hearth to send email, to check that an address belongs to the person signing up. Set SMTP_URL first, or use invites.',
  },
});

/** What a ban says to the person banned: in family words, with what to do about it. */
export type BanNotice = { reason: string; until: string | null };

export function bannedMessage({ reason, until }: BanNotice): string {
  const end = until
    ? ` until ${new Date(until).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })} (UTC)`
    : '';
  const why = reason ? ` The reason given: “${reason}”.` : '';
  return (
    `A family admin has banned this account${end}, so it cannot sign in.${why} ` +
    'If you think this is a mistake, ask your family’s admin to lift the ban.'
  );
}

const STATUS_CODES: Partial<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const HEARTH_STATUSES = new Set<number>([400, 401, 403, 404, 409, 413, 415, 422, 429, 503]);

export function codeFor(status: number, authCode: unknown): string {
  if (status === 429) return 'rate_limited';
  // Said the same way as the socket's and the page's: identity.banned.
  if (authCode === 'BANNED_USER') return 'identity.banned';
  if (typeof authCode === 'string' && /^[A-Za-z0-9_]{1,80}$/.test(authCode)) {
    return `identity.${authCode.toLowerCase()}`;
  }
  return STATUS_CODES[status] ?? 'http_error';
}

/** An error thrown by a server-side auth.api call, as a HearthError; anything else unchanged. */
export function fromAuthError(err: unknown): unknown {
  if (!isAPIError(err) || !HEARTH_STATUSES.has(err.statusCode)) return err;
  const body = (err.body ?? {}) as { message?: unknown; code?: unknown };
  return new HearthError({
    code: codeFor(err.statusCode, body.code),
    status: err.statusCode as ErrorStatus,
    message: typeof body.message === 'string' && body.message ? body.message : 'The request was refused.',
  });
}
