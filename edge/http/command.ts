// Builds the metadata every command carries: its id (idempotency), actor, correlation, trace,
// the client's address and user agent;
// and, for a command that generates ids, claims them so that a retry answers the first answer.
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { Appender, CommandMeta } from '../../writers/log/append.ts';
import { commandTraceparent } from '../../writers/log/tracing.ts';
import type { HubEnv } from './context.ts';
import type { AuthGate } from './deps.ts';
import { traceparentOf } from './trace.ts';
import { cleanUserAgent } from './user-agent.ts';

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * impliedKey: the request's own idempotency key (a client-chosen id) when no Idempotency-Key
 * header came; scoped to the person like the header's.
 */
export function commandMeta(c: Context<HubEnv>, body?: unknown, impliedKey?: string): CommandMeta {
  const user = c.get('user');
  const session = c.get('session');
  const header = c.req.header('Idempotency-Key');
  if (header !== undefined && !KEY.test(header)) {
    throw commonErrors.invalidRequest('Idempotency-Key must be 1–200 visible ASCII characters.', {
      field: 'Idempotency-Key',
    });
  }
  const key = header ?? impliedKey;
  const realActor = session.impersonatedBy ?? user.id;
  return {
    // Keys are scoped to the person (and to whom an admin acts for), so two can never collide.
    commandId:
      key === undefined
        ? randomUUID()
        : session.impersonatedBy
          ? `${realActor}:as:${user.id}:${key}`
          : `${realActor}:${key}`,
    retryable: key !== undefined,
    fingerprint:
      key !== undefined
        ? createHash('sha256')
            .update(`${c.req.method} ${c.req.path} ${JSON.stringify(body ?? null)}`)
            .digest('base64url')
        : undefined,
    actorId: realActor,
    onBehalfOf: session.impersonatedBy ? user.id : undefined,
    correlationId: c.get('requestId'),
    now: new Date(),
    // Traced: the request's span; untraced: the caller's trace, or a new one.
    traceparent: commandTraceparent(() => traceparentOf(c.req.header('traceparent'))),
    ...requestOrigin(c),
  };
}

/** Where a request came from, as its commands' events record it. */
export function requestOrigin(c: Context<HubEnv>): { clientIp: string; userAgent: string } {
  return { clientIp: c.get('clientIp') ?? '', userAgent: cleanUserAgent(c.req.header('User-Agent')) };
}

/**
 * After clientIp: what the request writes to the identity tables (sign-up, profile, password),
 * whose events the outbox triggers write, records the same origin and actor as its commands.
 */
export function originScope(auth: Pick<AuthGate, 'withOrigin'>) {
  return createMiddleware<HubEnv>((c, next) => {
    const { clientIp, userAgent } = requestOrigin(c);
    // Read at each write: the session, once requireSession found it, names the actor, so an
    // admin's change to a member's row is recorded as the admin's (as commandMeta does).
    const signedIn = () => {
      const user = c.get('user') as HubEnv['Variables']['user'] | undefined;
      const session = c.get('session') as HubEnv['Variables']['session'] | undefined;
      return { user: user?.id ?? '', by: session?.impersonatedBy ?? undefined };
    };
    return auth.withOrigin(
      {
        clientIp,
        userAgent,
        get actorId() {
          const { user, by } = signedIn();
          return by ?? user;
        },
        get onBehalfOf() {
          const { user, by } = signedIn();
          return by ? user : '';
        },
      },
      next,
    );
  });
}

/**
 * A command whose ids (and time) the server generates: with a key, they are claimed in the
 * ledger before the command is decided, so a retry with that key (even after a crash between
 * the append and its answer) gets the first attempt's ids and time, and so the first answer.
 * Without a key nothing can be retried, and nothing is claimed.
 */
export async function generatingCommand<T>(
  c: Context<HubEnv>,
  {
    body,
    make,
    impliedKey,
    appender,
  }: { body?: unknown; make: () => T; impliedKey?: string | undefined; appender: Pick<Appender, 'claim'> },
): Promise<{ meta: CommandMeta; made: T }> {
  return appender.claim({ meta: commandMeta(c, body, impliedKey), made: make() });
}
