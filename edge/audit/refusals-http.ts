// Where the edge refuses, the audit log hears of it: a permission refused on a command (403),
// a rate limit (429), a failed sign-in (401, or 403 for a banned account) and a sign-up refused
// for its invite. Each looks
// at the answer after it is made and hands the refusal over without waiting for it.
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { HearthError } from '../../contracts/errors.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import { INVITE_TOKEN, inviteIdOf } from '../../writers/identity/invite-token.ts';
import { requestOrigin } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { RefusedAttempt } from '../http/deps.ts';
import { authPath } from '../identity/gate.ts';

type Refused = (attempt: RefusedAttempt | Promise<RefusedAttempt | undefined>) => void;

const INVITE_REFUSALS = /^identity\.invite_(not_found|used_up|expired|revoked)$/;
const ACCOUNT_MAX = 254;

/**
 * Under /api/v1, behind the session: a command refused by a permission (403; reads are not
 * commands) and anything a rate limit refused (429), as `${method} ${route pattern}`.
 */
export function recordRefusedCommands(refused: Refused): MiddlewareHandler<HubEnv> {
  return createMiddleware<HubEnv>(async (c, next) => {
    await next();
    const status = c.res.status;
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!(status === 429 || (status === 403 && !read))) return;
    const user = c.get('user');
    const session = c.get('session');
    const pattern = routePath(c, -1);
    refused({
      kind: status === 403 ? RefusalKind.FORBIDDEN : RefusalKind.RATE_LIMITED,
      action: `${c.req.method} ${pattern}`,
      target: mainParameter(pattern, c.req.path),
      code: c.error instanceof HearthError ? c.error.code : status === 403 ? 'forbidden' : 'rate_limited',
      actorId: session.impersonatedBy ?? user.id,
      onBehalfOf: session.impersonatedBy ? user.id : undefined,
      ...requestOrigin(c),
    });
  });
}

/**
 * In front of better-auth (/api/auth/*): its rate limit (429), a failed email sign-in (401)
 * and a sign-up refused because of its invite. The body is read from a copy, after the answer.
 */
export function recordRefusedAuth(refused: Refused): MiddlewareHandler<HubEnv> {
  return createMiddleware<HubEnv>(async (c, next) => {
    const path = authPath(c.req.url);
    const watched = c.req.method === 'POST' && (path === '/sign-in/email' || path === '/sign-up/email');
    const copy = watched ? c.req.raw.clone() : undefined;
    await next();
    const status = c.res.status;
    const origin = requestOrigin(c);
    const action = `${c.req.method} /api/auth${path}`;
    if (status === 429) {
      void copy?.body?.cancel();
      refused({ kind: RefusalKind.RATE_LIMITED, action, code: 'rate_limited', ...origin });
      return;
    }
    if (!copy || status < 400 || status >= 500) {
      void copy?.body?.cancel();
      return;
    }
    const answer = c.res.clone();
    // Read after the answer, handed over as a promise: the recorder's stop waits for it.
    refused(
      (async (): Promise<RefusedAttempt | undefined> => {
        const body = await jsonOf(copy);
        const code = String((await jsonOf(answer)).code ?? '');
        // Refused: a wrong password (401), or the right one of a banned account (403).
        if (path === '/sign-in/email' && (status === 401 || (status === 403 && code === 'identity.banned'))) {
          const email = typeof body.email === 'string' ? body.email.trim().slice(0, ACCOUNT_MAX) : '';
          return { kind: RefusalKind.SIGN_IN_FAILED, action, code, account: email, ...origin };
        }
        if (path === '/sign-up/email' && INVITE_REFUSALS.test(code)) {
          const token = typeof body.invite === 'string' && INVITE_TOKEN.test(body.invite) ? body.invite : '';
          return {
            kind: RefusalKind.INVITE_REFUSED,
            action,
            target: token ? inviteIdOf(token) : '',
            code,
            ...origin,
          };
        }
        return undefined;
      })().catch(() => undefined),
    );
  });
}

async function jsonOf(message: Request | Response): Promise<Record<string, unknown>> {
  const value: unknown = await message.json().catch(() => null);
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * The value of the route's last path parameter ('/users/:id/role' → the id), which names what
 * was aimed at; '' when the route has none.
 */
export function mainParameter(pattern: string, path: string): string {
  const names = pattern.split('/');
  const values = path.split('/');
  if (names.length !== values.length) return '';
  for (let i = names.length - 1; i >= 0; i--) {
    if (!names[i]?.startsWith(':')) continue;
    const raw = values[i] ?? '';
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return '';
}
