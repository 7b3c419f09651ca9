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
    parts.push(
      <span
        key={at}
        className={cn(
          'rounded px-0.5 font-medium',
          person?.id === me.id ? 'bg-primary/15 text-primary' : 'bg-sky-100 text-sky-800',
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
