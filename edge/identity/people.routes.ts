// The family directory every signed-in member may read: who is who in chat. No emails, and
// nobody banned, so a child never sees more than names and faces. An erased member stays
// listed (their old messages still name their id) as erased, with no name or face.
import { Hono } from 'hono';
import type { Person } from '../../contracts/identity.api.ts';
import { isBanned, listUsers } from '../../projectors/identity-users/queries.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { readAfter } from '../http/read-after.ts';

export function peopleRoutes(deps: HubDeps): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  app.get('/people', readAfter(deps.projectors, 'identity_users'), async (c) => {
    const now = Date.now();
    const people: Person[] = (await listUsers(deps.db))
      .filter((u) => !isBanned(u, now))
      .map(({ id, name, image, role, erasedAt }) => ({ id, name, image, role, erased: erasedAt !== null }));
    return c.json(people);
  });
  return app;
}
