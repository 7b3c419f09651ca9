// What a channel is called on screen: a DM is named after the other person.
import type { User } from '../identity/api.ts';
import type { ChannelView, Person } from './model.ts';
import { nameOf } from './people.ts';

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
