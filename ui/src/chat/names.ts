// What people and channels are called on screen: a DM is named after the other person.
import type { User } from '../identity/api.ts';
import type { Person } from '../identity/people.ts';
import type { ChannelView } from './model.ts';

export function nameOf(
  people: Record<string, Person>,
  id: string,
  me?: { id: string; name: string },
): string {
  if (me && id === me.id) return me.name;
  return people[id]?.name ?? 'Family member';
}

export function otherMember(c: ChannelView, me: string): string | undefined {
  return c.kind === 'dm' ? c.members?.find((id) => id !== me) : undefined;
}

export function channelTitle(c: ChannelView, me: User, people: Record<string, Person>): string {
  if (c.kind === 'dm') {
    const other = otherMember(c, me.id);
    return other ? nameOf(people, other) : 'Direct message';
  }
  if (c.kind === 'family') return c.name || 'Family';
  return c.name;
}

/** Family first, then groups and DMs by latest activity. */
export function sortChannels(list: ChannelView[]): ChannelView[] {
  return [...list].sort((a, b) => {
    if (a.kind === 'family' || b.kind === 'family') return a.kind === 'family' ? -1 : 1;
    return b.seen - a.seen || a.name.localeCompare(b.name);
  });
}

/** "1 member · 1 online", "4 members · 2 online": a channel's header. */
export function membersLine(members: number, online: number): string {
  return `${members} ${members === 1 ? 'member' : 'members'} · ${online} online`;
}
