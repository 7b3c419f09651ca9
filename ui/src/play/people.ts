// The family as play screens need it: everyone (the signed-in person included), by name.
import { useMemo } from 'react';
import type { User } from '../identity/api.ts';
import type { Person } from '../identity/people.ts';
import { useLiveValue } from '../socket/live.tsx';

export function useFamily(me: User): Person[] {
  const people = useLiveValue((live) => live.people());
  return useMemo(() => {
    const all = { ...people, [me.id]: { id: me.id, name: me.name, role: me.role } };
    return Object.values(all).sort((a, b) => a.name.localeCompare(b.name));
  }, [people, me.id, me.name, me.role]);
}
