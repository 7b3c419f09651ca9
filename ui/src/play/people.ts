// The family as play screens need it: everyone (the signed-in person included), by name.
// GET /api/v1/people leaves banned members out, so a fresh list offers nobody banned.
import { useEffect, useMemo } from 'react';
import type { User } from '../identity/api.ts';
import type { Person } from '../identity/people.ts';
import { useLive, useLiveValue } from '../socket/live.tsx';

export function useFamily(me: User): Person[] {
  const people = useLiveValue((live) => live.people());
  return useMemo(() => {
    const all = { ...people, [me.id]: { id: me.id, name: me.name, role: me.role } };
    return Object.values(all).sort((a, b) => a.name.localeCompare(b.name));
  }, [people, me.id, me.name, me.role]);
}

/** The family to pick players or members from: asked again as the picker opens, so nobody
 *  banned since the page loaded is offered. */
export function usePickableFamily(me: User): Person[] {
  const live = useLive();
  useEffect(() => void live.refreshPeople(), [live]);
  return useFamily(me);
}
