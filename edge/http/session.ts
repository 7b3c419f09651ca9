// Every /api/v1 route passes here first: no session, no entry; a role lacking the
// permission gets 403, whatever the route.
import { createMiddleware } from 'hono/factory';
import { commonErrors } from '../../contracts/errors.ts';
import type { HubEnv } from './context.ts';
import type { AuthGate, Permission } from './deps.ts';

export function requireSession(auth: AuthGate) {
  return createMiddleware<HubEnv>(async (c, next) => {
    const found = await auth.getSession(c.req.raw.headers);
    if (!found) throw commonErrors.unauthorized();
    if (found.user.banned) throw commonErrors.forbidden('This account is banned.');
    c.set('user', found.user);
    c.set('session', found.session);
    await next();
  });
}

export function requirePermission(auth: AuthGate, permission: Permission) {
  return createMiddleware<HubEnv>(async (c, next) => {
    if (!auth.can(c.get('user').role, permission)) throw commonErrors.forbidden();
    await next();
  });
}
