// The AuthGate the app uses: better-auth's handler behind Hearth's rules, session lookup for
// /api/v1, and the permission check.
import type { Logger } from 'pino';
import { HearthError } from '../../contracts/errors.ts';
import { isDatabaseUnavailable } from '../../projectors/runtime/pool.ts';
import type { AuthGate } from '../http/deps.ts';
import { can } from './access.ts';
import { type Auth, absoluteCallback } from './auth.ts';
import { type BanNotice, bannedMessage, codeFor, edgeIdentityErrors } from './errors.ts';
import { findSession, publicSession, toCurrentSession } from './session.ts';
import type { SessionCache } from './session-cache.ts';
import { authUnavailable } from './unavailable.ts';

const BASE_PATH = '/api/auth';

// Admin actions go through Hearth's commands, so every one is checked and lands on the log.
// Profile and password changes go through /api/v1/me; email changes and account deletion
// are not offered.
const BLOCKED = new Set(['/update-user', '/change-email', '/change-password', '/delete-user']);

export function createGate({
  auth,
  logger,
  sessions,
}: {
  auth: Auth;
  logger: Logger;
  /** Sessions answered from memory, ended by the identity events (edge/identity/session-cache.ts). */
  sessions: SessionCache;
}): Omit<AuthGate, 'withOrigin'> {
  const baseURL = String(auth.options.baseURL);
  /** The request's session, from memory or from better-auth (with any cookie it refreshed). */
  const lookup = async (requestHeaders: Headers) => {
    let headers: Headers | undefined;
    const current = await sessions.get(requestHeaders, async () => {
      const found = await findSession(auth, requestHeaders);
      headers = found.headers;
      return toCurrentSession(found.response);
    });
    return { current, headers };
  };
  // The same body whether it came from memory or the database: other family services check it.
  const getSessionBody = async (request: Request): Promise<Response> => {
    const { current, headers } = await lookup(request.headers);
    // Never stored by a browser or a proxy, whether it came from memory or from better-auth.
    const out = new Headers(headers);
    out.set('Cache-Control', 'no-store');
    out.set('Pragma', 'no-cache');
    if (!current) return json(401, { user: null, session: null }, out);
    return json(200, publicSession(current), out);
  };

  // A banned person who signs in (with the right password: better-auth checks the ban only
  // then) is told who banned them, why and until when, as their open page was.
  const signIn = async (request: Request): Promise<Response> => {
    const email = await emailIn(request.clone());
    const res = await auth.handler(request);
    if (res.status !== 403 || !email) return toEnvelope(res, logger);
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { code?: unknown };
    if (body.code !== 'BANNED_USER') return toEnvelope(res, logger);
    const found = await (await auth.$context).internalAdapter.findUserByEmail(email);
    const user = (found?.user ?? {}) as { banReason?: string | null; banExpires?: Date | string | null };
    const notice: BanNotice = {
      reason: user.banReason ?? '',
      until: user.banExpires ? new Date(user.banExpires).toISOString() : null,
    };
    const error = edgeIdentityErrors.banned(bannedMessage(notice), notice);
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return json(403, { error: error.message, code: error.code, details: error.details }, headers);
  };

  return {
    handler: async (request) => {
      const path = authPath(request.url);
      if (path === '/admin' || path.startsWith('/admin/') || BLOCKED.has(path)) {
        return json(404, { error: 'No such route.', code: 'not_found' });
      }
      try {
        if (path === '/get-session') return await getSessionBody(request);
        if (path === '/sign-in/email') return await signIn(request);
        if (path === '/sign-out') await sessions.forget(request.headers);
        // Links mailed before callbacks were made absolute still end in a redirect, not a 500.
        const forwarded =
          path === '/verify-email' ? new Request(absoluteCallback(request.url, baseURL), request) : request;
        return await toEnvelope(await auth.handler(forwarded), logger);
      } catch (err) {
        // The database away: 503, try again shortly. Never a 401 from get-session, which
        // would sign the person out of every family service that asks.
        const known = isDatabaseUnavailable(err) ? authUnavailable(path) : err;
        if (known instanceof HearthError) return errorJson(known);
        logger.error({ err, path }, 'auth request failed');
        return json(500, { error: 'Something went wrong on our side.', code: 'internal' });
      }
    },
    getSession: async (headers) => (await lookup(headers)).current,
    can,
  };
}

async function emailIn(request: Request): Promise<string | undefined> {
  const body = (await request.json().catch(() => null)) as { email?: unknown } | null;
  return typeof body?.email === 'string' ? body.email.toLowerCase() : undefined;
}

/** The path below /api/auth, decoded and normalised the way a router might read it. */
export function authPath(url: string): string {
  let path = new URL(url).pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Malformed escapes reach better-auth unchanged and match nothing there either.
  }
  path = path
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '')
    .toLowerCase();
  return path.startsWith(BASE_PATH) ? path.slice(BASE_PATH.length) : path;
}

/** Error bodies become { error, code }; nothing of better-auth's internals gets out. */
export async function toEnvelope(res: Response, logger: Logger): Promise<Response> {
  if (res.status < 400) return res;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  if (res.status === 429) {
    headers.set('Retry-After', headers.get('x-retry-after') ?? '60');
    return json(429, { error: 'Too many requests; slow down.', code: 'rate_limited' }, headers);
  }
  const text = await res.text();
  if (res.status >= 500) {
    logger.error({ status: res.status, body: text.slice(0, 500) }, 'auth request failed');
    return json(500, { error: 'Something went wrong on our side.', code: 'internal' }, headers);
  }
  let body: { message?: unknown; code?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: the status alone says what happened.
  }
  const error =
    typeof body.message === 'string' && body.message ? body.message : res.statusText || 'Request failed.';
  return json(res.status, { error, code: codeFor(res.status, body.code) }, headers);
}

/** As edge/http/errors.ts answers it: details only below 500, Retry-After when it says one. */
function errorJson(err: HearthError): Response {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  const retryAfter = err.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers.set('Retry-After', String(retryAfter));
  const details = err.details && err.status < 500 ? { details: err.details } : {};
  return json(err.status, { error: err.message, code: err.code, ...details }, headers);
}

function json(status: number, body: unknown, init?: Headers | null): Response {
  const headers = new Headers(init ?? undefined);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}
