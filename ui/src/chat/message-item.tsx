// One message: who, when, what (mentions highlighted), the message it answers, reactions, and
// its actions (reply, react, edit, delete), shown on hover, focus, or a tap on a phone.
import { AlertCircle, Clock, CornerUpLeft, Pencil, SmilePlus, Trash2, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { cn } from '../lib/utils.ts';
import { MessageText } from './message-text.tsx';
import type { Message } from './model.ts';
import { nameOf } from './names.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

type Props = {
  me: User;
  message: Message;
  replyTo: Message | undefined;
  grouped: boolean;
  selected: boolean;
  onSelect: () => void;
  /** An action was taken: put the tapped message's toolbar away. */
  onDone: () => void;
  onReply: () => void;
  onEdit: () => void;
};

export function MessageItem({
  me,
  message: m,
  replyTo,
  grouped,
  selected,
  onSelect,
  onDone,
  onReply,
  onEdit,
}: Props) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const [picking, setPicking] = useState(false);
  const name = nameOf(people, m.sender, me);
  const mine = m.sender === me.id;
  const mentionsMe = m.mentions.includes(me.id);
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const canAct = !m.deleted && m.status === 'sent';
  if (m.sender === HEARTH) return <HearthLine message={m} time={time} />;

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the actions are focusable buttons; the tap only reveals them on touch screens
    <article
      data-message-id={m.id}
      data-status={m.status}
      aria-label={`${name}: ${m.deleted ? 'deleted message' : m.content}`}
      onClick={onSelect}
      className={cn(
        'group relative flex gap-3 px-4 hover:bg-muted/60',
        grouped ? 'py-0.5' : 'pt-2 pb-0.5',
        mentionsMe && 'border-l-2 border-primary bg-orange-50/70',
        selected && 'bg-muted/60',
      )}
    >
      <div className="w-8 shrink-0">{!grouped && <Avatar name={name} seed={m.sender} />}</div>
      <div className="min-w-0 flex-1">
        {!grouped && (
          <div className="flex items-baseline gap-2">
            <span className="text-sm font-semibold">{name}</span>
            <time className="text-xs text-muted-foreground" dateTime={m.createdAt}>
              {time}
            </time>
          </div>
        )}
        {m.replyTo && <ReplyQuote target={replyTo} me={me} />}
        {m.deleted ? (
          <p className="text-sm italic text-muted-foreground">This message was deleted.</p>
        ) : (
          <p className="text-sm break-words whitespace-pre-wrap" data-testid="message-text">
            <MessageText content={m.content} mentions={m.mentions} me={me} />
            {m.editedAt && <span className="ml-1 text-xs text-muted-foreground">(edited)</span>}
          </p>
        )}
        {m.status === 'pending' && (
          <p className="flex items-center gap-1 text-xs text-muted-foreground">
            <Clock className="size-3" aria-hidden="true" /> Sending…
          </p>
        )}
        {m.status === 'failed' && (
          <p className="flex items-center gap-1 text-xs text-destructive">
            <AlertCircle className="size-3" aria-hidden="true" /> Not sent.
            <Button
              variant="link"
              size="sm"
              className="h-auto p-0 text-xs"
              onClick={() => client.retry(m.channel, m.id)}
            >
              Try again
            </Button>
          </p>
        )}
        <Reactions message={m} me={me} onToggle={(emoji) => client.react(m.channel, m.id, emoji)} />
        {picking && canAct && (
          <fieldset className="mt-1 flex gap-1">
            <legend className="sr-only">Pick a reaction</legend>
            {QUICK_REACTIONS.map((emoji) => (
              <Button
                key={emoji}
                variant="outline"
                size="icon-sm"
                aria-label={`React ${emoji}`}
                onClick={(e) => {
                  e.stopPropagation();
                  client.react(m.channel, m.id, emoji);
                  setPicking(false);
                  onDone();
                }}
              >
                {emoji}
              </Button>
            ))}
          </fieldset>
        )}
      </div>
      {canAct && (
        <div
          className={cn(
            'absolute -top-3 right-3 z-10 hidden gap-0.5 rounded-md border bg-background p-0.5 shadow-sm group-hover:flex group-focus-within:flex',
            selected && 'flex',
          )}
        >
          <Action label="Reply" onClick={onReply} icon={<CornerUpLeft />} />
          <Action label="React" onClick={() => setPicking((p) => !p)} icon={<SmilePlus />} />
          {mine && <Action label="Edit" onClick={onEdit} icon={<Pencil />} />}
          {(mine || me.role === 'admin') && (
            <Action
              label="Delete"
              icon={<Trash2 />}
              onClick={() => {
                if (window.confirm('Delete this message for everyone?')) client.remove(m.channel, m.id);
                onDone();
              }}
            />
          )}
        </div>
      )}
    </article>
  );
}

/** The sender of lines Hearth posts itself, such as who joined the family. */
const HEARTH = '';

/** A line from Hearth itself: centred and quiet, with no author, actions or reactions. */
function HearthLine({ message: m, time }: { message: Message; time: string }) {
  return (
    <div
      role="note"
      data-message-id={m.id}
      data-testid="hearth-line"
      aria-label={m.content}
      className="flex items-center justify-center gap-2 px-4 py-1.5 text-xs text-muted-foreground"
    >
      <UserPlus className="size-3.5 shrink-0" aria-hidden="true" />
      <span className="font-medium">{m.content}</span>
      <time dateTime={m.createdAt}>{time}</time>
    </div>
  );
}

function Action({ label, icon, onClick }: { label: string; icon: React.ReactNode; onClick: () => void }) {
  return (
    <Button
      variant="ghost"
      size="icon-sm"
      aria-label={label}
      title={label}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
    >
      {icon}
    </Button>
  );
}

function ReplyQuote({ target, me }: { target: Message | undefined; me: User }) {
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

function Reactions({
  message,
  me,
  onToggle,
}: {
  message: Message;
  me: User;
  onToggle: (emoji: string) => void;
}) {
  const entries = Object.entries(message.reactions).filter(([, who]) => who.length > 0);
  if (entries.length === 0 || message.deleted) return null;
  return (
    <div className="mt-1 flex flex-wrap gap-1">
      {entries.map(([emoji, who]) => (
        <button
          key={emoji}
          type="button"
          aria-pressed={who.includes(me.id)}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(emoji);
          }}
          className={cn(
            'rounded-full border px-2 py-0.5 text-xs',
            who.includes(me.id) ? 'border-primary/50 bg-orange-50' : 'bg-background hover:bg-muted',
          )}
        >
          {emoji} {who.length}
        </button>
      ))}
    </div>
  );
}
