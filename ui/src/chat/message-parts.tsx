// Parts of a message item: the quote of the message it answers, and its reactions.
import { CornerUpLeft } from 'lucide-react';
import type { User } from '../identity/api.ts';
import { cn } from '../lib/utils.ts';
import type { Message } from './model.ts';
import { nameOf } from './names.ts';
import { useChat } from './use-chat.tsx';

export function ReplyQuote({ target, me }: { target: Message | undefined; me: User }) {
  const people = useChat((s) => s.people);
  return (
    <div className="mb-0.5 flex items-center gap-1 border-l-2 pl-2 text-xs text-muted-foreground">
      <CornerUpLeft className="size-3 shrink-0" aria-hidden="true" />
      {target ? (
        <span className="truncate">
          <span className="font-medium">{nameOf(people, target.sender, me)}</span>:{' '}
          {target.deleted ? 'deleted message' : target.content}
        </span>
      ) : (
        <span>a message further up</span>
      )}
    </div>
  );
}

export function Reactions({
  message,
  me,
  canToggle,
  onToggle,
}: {
  message: Message;
  me: User;
  /** Without chat.write the counts are shown, not offered as buttons. */
  canToggle: boolean;
  onToggle: (emoji: string) => void;
}) {
  const entries = Object.entries(message.reactions).filter(([, who]) => who.length > 0);
  if (entries.length === 0 || message.deleted) return null;
  const chip = (mine: boolean) =>
    cn(
      'rounded-full border px-2 py-0.5 text-xs',
      mine ? 'border-primary/50 bg-orange-50 dark:bg-orange-950' : 'bg-background hover:bg-muted',
    );
  return (
    <div className="mt-1 flex flex-wrap gap-1">
      {entries.map(([emoji, who]) =>
        canToggle ? (
          <button
            key={emoji}
            type="button"
            aria-pressed={who.includes(me.id)}
            data-requires="chat.write"
            onClick={(e) => {
              e.stopPropagation();
              onToggle(emoji);
            }}
            className={chip(who.includes(me.id))}
          >
            {emoji} {who.length}
          </button>
        ) : (
          <span key={emoji} className={chip(who.includes(me.id))}>
            {emoji} {who.length}
          </span>
        ),
      )}
    </div>
  );
}
