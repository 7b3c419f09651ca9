// Erasure on request: an admin erases a member's personal data (crypto-shredding), naming who
// asked (the member, or a parent on their behalf) and when. The decision is MemberErased on the
// member's account; the member_erasure reactor destroys their key and their sign-in data, and
// the answer waits (briefly) for it: 200 once done, else 202.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Accepted } from '../../contracts/identity.api.ts';
import { eraseMemberBody } from '../../contracts/identity.schema.ts';
import { isBanned, listUsers } from '../../projectors/identity-users/queries.ts';
import { MEMBER_ERASURE } from '../../projectors/member-erasure/reactor.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { edgeIdentityErrors } from './errors.ts';
import type { Relay } from './relay.ts';
import { APPLY_TIMEOUT_MS } from './routes.ts';
import type { SessionCache } from './session-cache.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function erasureRoutes({
  deps,
  writer,
  relay,
  sessions,
}: {
  deps: HubDeps;
  writer: IdentityWriter;
  relay: Pick<Relay, 'settled'>;
  sessions: Pick<SessionCache, 'erased'>;
}): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();

  const memberId = (c: Context<HubEnv>) => {
    const id = c.req.param('id') ?? '';
    if (!ID.test(id)) throw identityErrors.userNotFound();
    return id;
  };

  app.post(
    '/admin/members/:id/erase',
    requirePermission(auth, PERMISSIONS.eraseMember),
    jsonBody(eraseMemberBody),
    async (c) => {
      const id = memberId(c);
      const body = c.req.valid('json');
      const meta = commandMeta(c, body);
      // The account is born from UserRegistered, which comes through the outbox: a brand-new
      // member's registration reaches the log first.
      await relay.settled(id, APPLY_TIMEOUT_MS);
      const family = await listUsers(deps.db);
      if (body.requestedBy !== id) {
        // Someone else asked for them: a parent, never a child nor someone already erased.
        const requester = family.find((u) => u.id === body.requestedBy);
        if (!requester || requester.erasedAt !== null || requester.role === 'child')
          throw edgeIdentityErrors.requesterNotInFamily(undefined, { field: 'requestedBy' });
      }
      // Admins who can still act once this member is gone: the last one is never erased.
      const otherAdmins = family.filter(
        (u) => u.role === 'admin' && u.id !== id && u.erasedAt === null && !isBanned(u, meta.now.getTime()),
      ).length;
      const result = await writer.erase(
        {
          userId: id,
          requestedBy: body.requestedBy,
          requestedAtMs: body.requestedAtMs ?? meta.now.getTime(),
          otherAdmins,
        },
        meta,
      );
      // This edge refuses their sessions now; the event tells every other edge.
      sessions.erased(id);
      const applied = await projectors.waitFor(MEMBER_ERASURE, result.seq, APPLY_TIMEOUT_MS);
      return c.json({ seq: result.seq } satisfies Accepted, applied ? 200 : 202);
    },
  );

  return app;
}
