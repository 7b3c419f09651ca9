// Self-service: a person changes their own name, avatar and password through better-auth,
// so its own checks apply; the outbox triggers put the change on the log. A command answers
// with the event's stream sequence once the relay has published it.
import { type Context, Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { SelfServiceAccepted, SessionBody } from '../../contracts/identity.api.ts';
import { changePasswordBody, updateProfileBody } from '../../contracts/identity.schema.ts';
import type { HubEnv } from '../http/context.ts';
import { jsonBody } from '../http/validate.ts';
import type { Auth } from './auth.ts';
import type { AuthDatabase } from './db.ts';
import { fromAuthError } from './errors.ts';
import type { Relay } from './relay.ts';
import { publicSession } from './session.ts';
import type { SessionCache } from './session-cache.ts';

const PUBLISH_TIMEOUT_MS = 2000;

export function meRoutes({
  auth,
  authDb,
  relay,
  sessions,
}: {
  auth: Auth;
  authDb: AuthDatabase;
  relay: Relay;
  sessions: SessionCache;
}): Hono<HubEnv> {
  const app = new Hono<HubEnv>();

  const lastFact = async (userId: string, type: string) => {
    const row = await authDb.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('user_id', '=', userId)
      .where('type', '=', type)
      .executeTakeFirst();
    return row?.id ?? '0';
  };

  /** 200 { seq } once the fact is on the log; 202 { seq: null } while it waits in the outbox. */
  const answer = async (c: Context<HubEnv>, { type, before }: { type: string; before: string }) => {
    const after = await lastFact(c.get('user').id, type);
    if (BigInt(after) <= BigInt(before)) return c.json({ seq: null } satisfies SelfServiceAccepted);
    const seq = await relay.waitForPublished(after, PUBLISH_TIMEOUT_MS);
    return c.json({ seq } satisfies SelfServiceAccepted, seq === null ? 202 : 200);
  };

  // The same body get-session answers (edge/identity/gate.ts), user only.
  app.get('/me', (c) =>
    c.json((publicSession({ user: c.get('user'), session: c.get('session') }) satisfies SessionBody).user),
  );

  app.patch('/me', jsonBody(updateProfileBody), async (c) => {
    const body = c.req.valid('json');
    if (body.name === null)
      throw commonErrors.invalidRequest("Field 'name' must be a string.", { field: 'name' });
    const before = await lastFact(c.get('user').id, 'profileUpdated');
    await auth.api
      .updateUser({
        headers: c.req.raw.headers,
        body: {
          ...(body.name !== undefined && { name: body.name.trim() }),
          ...(body.image !== undefined && { image: body.image }),
        },
      })
      .catch((err: unknown) => {
        throw fromAuthError(err);
      });
    sessions.endUser(c.get('user').id);
    return answer(c, { type: 'profileUpdated', before });
  });

  app.post('/me/password', jsonBody(changePasswordBody), async (c) => {
    const body = c.req.valid('json');
    const before = await lastFact(c.get('user').id, 'passwordChanged');
    const { headers } = await auth.api
      .changePassword({
        headers: c.req.raw.headers,
        body: {
          currentPassword: body.currentPassword,
          newPassword: body.newPassword,
          revokeOtherSessions: body.revokeOtherSessions === true,
        },
        returnHeaders: true,
      })
      .catch((err: unknown) => {
        throw fromAuthError(err);
      });
    sessions.endUser(c.get('user').id);
    // Revoking the other sessions replaces this one too: the new cookie goes back.
    for (const cookie of headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true });
    return answer(c, { type: 'passwordChanged', before });
  });

  return app;
}
