// The identity API under /api/v1: admins manage accounts through commands on the log (then
// wait, briefly, for identity_access to apply them); everyone manages their own profile and
// password through better-auth, whose writes the outbox records.
import { type Context, Hono } from 'hono';
import type { Accepted, AdminUser, MyPermissions, SessionsRevoked } from '../../contracts/identity.api.ts';
import { banBody, listUsersQuery, setRoleBody } from '../../contracts/identity.schema.ts';
import { IDENTITY_ACCESS } from '../../projectors/identity-access/reactor.ts';
import { listUsers } from '../../projectors/identity-users/queries.ts';
import { createIdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS, statements } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import type { Auth } from './auth.ts';
import type { AuthDatabase } from './db.ts';
import { edgeIdentityErrors } from './errors.ts';
import { meRoutes } from './me.routes.ts';
import type { Relay } from './relay.ts';
import type { SessionCache } from './session-cache.ts';

/** How long a command waits for its effect before answering 202 instead of 200. */
export const APPLY_TIMEOUT_MS = 2000;

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function identityRoutes({
  deps,
  betterAuth,
  authDb,
  relay,
  sessions,
}: {
  deps: HubDeps;
  betterAuth: Auth;
  authDb: AuthDatabase;
  relay: Relay;
  sessions: SessionCache;
}): Hono<HubEnv> {
  const { auth, appender, projectors } = deps;
  const writer = createIdentityWriter({ appender });
  const app = new Hono<HubEnv>();
  app.route('/', meRoutes({ auth: betterAuth, authDb, relay, sessions }));

  // The caller's grants, from the same table and check the routes use: the UI's only source.
  app.get('/me/permissions', (c) => {
    const role = c.get('user').role;
    const granted = Object.entries(statements).flatMap(([resource, actions]) =>
      actions.filter((action) => auth.can(role, { [resource]: [action] })).map((a) => `${resource}.${a}`),
    );
    return c.json({ role, granted } satisfies MyPermissions);
  });

  /** 200 once identity_access has applied the event (a ban has ended the sessions), else 202. */
  const answer = async (c: Context<HubEnv>, seq: number) => {
    const applied = await projectors.waitFor(IDENTITY_ACCESS, seq, APPLY_TIMEOUT_MS);
    return c.json({ seq } satisfies Accepted, applied ? 200 : 202);
  };

  /** An admin's decision about an account, answered once it took effect (or 202). */
  const decideAccount = async <I extends { userId: string }>(
    c: Context<HubEnv>,
    decide: (input: I, meta: CommandMeta) => Promise<{ seq: number }>,
    input: I,
    body?: unknown,
  ) => {
    const meta = commandMeta(c, body);
    // The account aggregate is born from UserRegistered, which comes through the outbox:
    // a decision about a brand-new user waits (briefly) for it to reach the log.
    await relay.settled(input.userId, APPLY_TIMEOUT_MS);
    const result = await decide(input, meta);
    // This edge forgets the account's sessions now; the event tells every other edge.
    sessions.endUser(input.userId);
    return answer(c, result.seq);
  };

  const userId = (c: Context<HubEnv>) => {
    const id = c.req.param('id') ?? '';
    if (!ID.test(id)) throw identityErrors.userNotFound();
    return id;
  };

  const liveSessions = (id: string) =>
    authDb.db
      .selectFrom('session')
      .select(['id', 'createdAt', 'expiresAt', 'ipAddress', 'userAgent', 'impersonatedBy'])
      .where('userId', '=', id)
      .where('expiresAt', '>', new Date())
      .orderBy('createdAt', 'desc')
      .execute();

  const requireAccount = async (id: string) => {
    const found = await authDb.db.selectFrom('user').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) throw identityErrors.userNotFound();
  };

  app.get(
    '/admin/users',
    requirePermission(auth, PERMISSIONS.listUsers),
    queryParams(listUsersQuery),
    readAfter(projectors, 'identity_users'),
    async (c) => c.json((await listUsers(deps.db)) satisfies AdminUser[]),
  );

  app.post(
    '/admin/users/:id/role',
    requirePermission(auth, PERMISSIONS.setRole),
    jsonBody(setRoleBody),
    (c) => {
      const body = c.req.valid('json');
      return decideAccount(c, writer.changeRole, { userId: userId(c), role: body.role }, body);
    },
  );

  app.post('/admin/users/:id/ban', requirePermission(auth, PERMISSIONS.banUser), jsonBody(banBody), (c) => {
    const body = c.req.valid('json');
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
    return decideAccount(c, writer.ban, { userId: userId(c), reason: body.reason ?? '', expiresAt }, body);
  });

  app.post('/admin/users/:id/unban', requirePermission(auth, PERMISSIONS.banUser), (c) =>
    decideAccount(c, writer.unban, { userId: userId(c) }),
  );

  app.get('/admin/users/:id/sessions', requirePermission(auth, PERMISSIONS.listSessions), async (c) => {
    const id = userId(c);
    await requireAccount(id);
    return c.json(await liveSessions(id));
  });

  app.post(
    '/admin/users/:id/sessions/:sessionId/revoke',
    requirePermission(auth, PERMISSIONS.revokeSessions),
    async (c) => {
      const id = userId(c);
      const sessionId = c.req.param('sessionId');
      const found = await authDb.db
        .selectFrom('session')
        .select('id')
        .where('id', '=', sessionId)
        .where('userId', '=', id)
        .executeTakeFirst();
      if (!found) throw edgeIdentityErrors.sessionNotFound();
      const meta = commandMeta(c, { sessionId });
      const result = await writer.revokeSession(
        { userId: id, sessionId, reason: 'revoked by an admin' },
        meta,
      );
      sessions.endSession(sessionId);
      return answer(c, result.seq);
    },
  );

  app.post(
    '/admin/users/:id/sessions/revoke',
    requirePermission(auth, PERMISSIONS.revokeSessions),
    async (c) => {
      const id = userId(c);
      await requireAccount(id);
      const meta = commandMeta(c);
      let seq = 0;
      const sessions = await liveSessions(id);
      for (const s of sessions) {
        // One command per session, each with its own id, so a retry repeats none of them.
        const result = await writer.revokeSession(
          { userId: id, sessionId: s.id, reason: 'revoked by an admin' },
          { ...meta, commandId: `${meta.commandId}:${s.id}` },
        );
        seq = result.seq;
      }
      if (sessions.length === 0) return c.json({ seq, revoked: 0 } satisfies SessionsRevoked);
      const applied = await projectors.waitFor(IDENTITY_ACCESS, seq, APPLY_TIMEOUT_MS);
      return c.json({ seq, revoked: sessions.length } satisfies SessionsRevoked, applied ? 200 : 202);
    },
  );

  return app;
}
