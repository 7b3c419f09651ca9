// Message text with @mentions picked out. A mention is "@Name" in the text plus the person's
// id in the message's mentions, so renaming someone never breaks old messages' meaning.
import type { User } from '../identity/api.ts';
import { cn } from '../lib/utils.ts';
import { useChat } from './use-chat.tsx';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function MessageText({ content, mentions, me }: { content: string; mentions: string[]; me: User }) {
  const people = useChat((s) => s.people);
  const named = mentions
    .map((id) => ({ id, name: id === me.id ? me.name : people[id]?.name }))
    .filter((p): p is { id: string; name: string } => Boolean(p.name))
    .sort((a, b) => b.name.length - a.name.length);
  if (named.length === 0) return <>{content}</>;
  const pattern = new RegExp(`@(${named.map((p) => escapeRegExp(p.name)).join('|')})`, 'g');
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of content.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(content.slice(last, at));
    const person = named.find((p) => p.name === match[1]);
    const mine = person?.id === me.id;
    // Dark text on a light tint (and the reverse in the dark theme): 4.5:1 or better even on
    // the tinted row of a message that mentions me.
    parts.push(
      <span
        key={at}
        data-mention={mine ? 'me' : 'other'}
        className={cn(
          'rounded px-0.5 font-medium',
          mine
            ? 'bg-orange-100 text-orange-900 dark:bg-orange-900 dark:text-orange-50'
            : 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-50',
        )}
      >
        {match[0]}
      </span>,
    );
    last = at + match[0].length;
  }
  if (last < content.length) parts.push(content.slice(last));
  return <>{parts}</>;
}
