// The family by name. GET /api/v1/people is the directory every member may read; until the
// edge has it, an admin's page falls back to the admin user list.
import type { AdminUser, Person as Listed } from '../../../contracts/identity.api.ts';
import { setAvatarImage } from '../lib/avatars.ts';
import { ApiError, api } from '../lib/http.ts';

/** Someone the page can name, with their role when a list said it. */
export type Person = Pick<Listed, 'id' | 'name'> & Partial<Pick<Listed, 'role'>>;

type Entry = Omit<Listed, 'erased'> &
  Partial<Pick<Listed, 'erased'> & Pick<AdminUser, 'banned' | 'erasedAt'>>;

/** What an erased member (their personal data erased on request) is called: they have no name any more. */
export const ERASED_NAME = 'Erased member';

export async function loadPeople(): Promise<Person[]> {
  for (const path of ['/api/v1/people', '/api/v1/admin/users']) {
    try {
      const list = await api<Entry[]>(path);
      // Every Avatar shows the picture each member chose (lib/avatars.ts).
      for (const p of list) setAvatarImage(p.id, p.image);
      return list
        .filter((p) => !p.banned)
        .map((p) => ({
          id: p.id,
          name: p.erased || p.erasedAt ? ERASED_NAME : p.name,
          ...(p.role && { role: p.role }),
        }));
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 403)) throw err;
    }
  }
  return [];
}
