// Names for the ids that chat frames carry. GET /api/v1/people is the family directory every
// member may read; until the edge has it, an admin's page falls back to the admin user list.
import { ApiError, api } from '../lib/http.ts';
import type { Person } from './model.ts';

type Entry = { id: string; name: string; role?: string; banned?: boolean };

export async function loadPeople(): Promise<Person[]> {
  for (const path of ['/api/v1/people', '/api/v1/admin/users']) {
    try {
      const list = await api<Entry[]>(path);
      return list
        .filter((p) => !p.banned)
        .map((p) => ({ id: p.id, name: p.name, ...(p.role && { role: p.role }) }));
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 403)) throw err;
    }
  }
  return [];
}

export function nameOf(
  people: Record<string, Person>,
  id: string,
  me?: { id: string; name: string },
): string {
  if (me && id === me.id) return me.name;
  return people[id]?.name ?? 'Family member';
}
