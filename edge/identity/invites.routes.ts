// The admin's invites under /api/v1/admin/invites: make one (the answer is the only place its
// link appears), list them, revoke one. Creation, use and revocation are events on IDENTITY.
import { Hono } from 'hono';
import type { Accepted, AdminInvite } from '../../contracts/identity.api.ts';
import { createInviteBody } from '../../contracts/identity.schema.ts';
import { IDENTITY_INVITES } from '../../projectors/identity-invites/projection.ts';
import { listInvites } from '../../projectors/identity-invites/queries.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import { derivedInviteToken, newInviteToken } from '../../writers/identity/invite-token.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps, Permission } from '../http/deps.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import { DEFAULT_INVITE_EXPIRY, durationMs, makeInvite } from './invites.ts';

/** Inviting someone is creating their account, as better-auth's admin statements put it. */
const INVITE_USERS: Permission = { user: ['create'] };

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function inviteRoutes({
  deps,
  writer,
  secret,
}: {
  deps: HubDeps;
  writer: IdentityWriter;
  /** Keys the token of a request that can be retried (see invite-token.ts). */
  secret: string;
}): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();

  app.get(
    '/admin/invites',
    requirePermission(auth, INVITE_USERS),
    readAfter(projectors, IDENTITY_INVITES),
    async (c) => c.json((await listInvites(deps.db)) satisfies AdminInvite[]),
  );

  app.post('/admin/invites', requirePermission(auth, INVITE_USERS), jsonBody(createInviteBody), async (c) => {
    const body = c.req.valid('json');
    const meta = commandMeta(c, body);
    const { invite, created } = await makeInvite({
      token: meta.retryable ? derivedInviteToken({ secret, commandId: meta.commandId }) : newInviteToken(),
      role: body.role,
      expiresInMs: durationMs(body.expiresIn ?? DEFAULT_INVITE_EXPIRY) ?? 0,
      maxUses: body.uses ?? 1,
      baseURL: deps.config.publicUrl,
      meta,
      writer,
    });
    return c.json(invite, created ? 201 : 200);
  });

  app.post('/admin/invites/:id/revoke', requirePermission(auth, INVITE_USERS), async (c) => {
    const inviteId = c.req.param('id');
    if (!ID.test(inviteId)) throw identityErrors.inviteNotFound();
    const result = await writer.revokeInvite({ inviteId }, commandMeta(c));
    return c.json({ seq: result.seq } satisfies Accepted);
  });

  return app;
}
