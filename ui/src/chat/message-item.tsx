// One message: who, when, what (mentions highlighted, long text folded), the message it
// answers, reactions, and its actions (reply, react, edit, delete), shown on hover, on focus
// (the message itself takes focus: the list moves it with the arrow keys), or a tap on a
// phone. Only actions the server would accept are offered: the edge's permissions, or mine.
import { AlertCircle, Clock, CornerUpLeft, Pencil, SmilePlus, Trash2, UserPlus } from 'lucide-react';
import { type KeyboardEvent, type ReactNode, type Ref, useEffect, useId, useRef, useState } from 'react';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { cn } from '../lib/utils.ts';
import { Attachments } from './attachments.tsx';
import { isLong } from './long-text.ts';
import { Reactions, ReplyQuote } from './message-parts.tsx';
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
  /** The message the keyboard reaches (Tab lands here; the arrow keys move it). */
  current: boolean;
  onFocus: () => void;
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
  current,
  onFocus,
  onSelect,
  onDone,
  onReply,
  onEdit,
}: Props) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const canWrite = useCan('chat.write');
  const canModerate = useCan('chat.moderate');
  const [picking, setPicking] = useState(false);
  const [unfolded, setUnfolded] = useState(false);
  const article = useRef<HTMLElement>(null);
  const reactButton = useRef<HTMLButtonElement>(null);
  const picker = useRef<HTMLFieldSetElement>(null);
  const textId = useId();
  const name = nameOf(people, m.sender, me);
  const mine = m.sender === me.id;
  const mentionsMe = m.mentions.includes(me.id);
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const canAct = !m.deleted && m.status === 'sent';
  const folded = !m.deleted && isLong(m.content) && !unfolded;

  // The picker opens with focus on its first reaction, so the keyboard is where the choice is.
  useEffect(() => {
    if (picking) picker.current?.querySelector('button')?.focus();
  }, [picking]);

  if (m.sender === HEARTH) {
    // A line about someone names them by id: their name as it is now goes in front.
    const about = m.mentions[0];
    const text = about ? `${nameOf(people, about, me)} ${m.content}` : m.content;
    return <HearthLine id={m.id} text={text} time={time} createdAt={m.createdAt} />;
  }

  /** Back to the button that opened the picker: focus never falls to the page. */
  const closePicker = () => {
    reactButton.current?.focus();
    setPicking(false);
  };

  const onPickerKey = (e: KeyboardEvent<HTMLFieldSetElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      closePicker();
      return;
    }
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const buttons = [...(picker.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };

  const toolbarShown = selected || current;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the actions are focusable buttons; the tap only reveals them on touch screens
    <article
      ref={article}
      data-message-id={m.id}
      data-status={m.status}
      aria-label={`${name}: ${m.deleted ? 'deleted message' : label(m)}`}
      tabIndex={current ? 0 : -1}
      onFocus={onFocus}
      onClick={onSelect}
      className={cn(
        'group relative flex gap-3 px-4 outline-none hover:bg-muted/60 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset',
        grouped ? 'py-0.5' : 'pt-2 pb-0.5',
        mentionsMe && 'border-l-2 border-primary bg-orange-50/70 dark:bg-orange-950/40',
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
        ) : m.erased ? (
          <p className="text-sm italic text-muted-foreground" data-testid="message-erased">
            Erased on request.
          </p>
        ) : (
          (m.content !== '' || m.attachments.length === 0) && (
            <p
              id={textId}
              className={cn('text-sm break-words whitespace-pre-wrap', folded && 'line-clamp-10')}
              data-testid="message-text"
            >
              <MessageText content={m.content} mentions={m.mentions} me={me} />
              {m.editedAt && <span className="ml-1 text-xs text-muted-foreground">(edited)</span>}
            </p>
          )
        )}
        {!m.deleted && (
          // Remade once the message is on the log: a file fresh from its upload may not have
          // been served while it was on its way (and is no removed file for all that).
          <Attachments key={m.status} list={m.attachments} settled={m.status === 'sent'} />
        )}
        {!m.deleted && isLong(m.content) && (
          <button
            type="button"
            aria-expanded={!folded}
            aria-controls={textId}
            className="rounded text-xs font-medium underline underline-offset-2 outline-none focus-visible:ring-2 focus-visible:ring-ring"
            onClick={(e) => {
              e.stopPropagation();
              setUnfolded(folded);
            }}
          >
            {folded ? 'Show more' : 'Show less'}
          </button>
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
              onClick={(e) => {
                e.stopPropagation();
                // The button goes once the message is on its way again: the message keeps focus.
                article.current?.focus();
                client.retry(m.channel, m.id);
              }}
            >
              Try again
            </Button>
          </p>
        )}
        <Reactions
          message={m}
          me={me}
          canToggle={canWrite}
          onToggle={(emoji) => client.react(m.channel, m.id, emoji)}
        />
        {picking && canAct && canWrite && (
          <fieldset ref={picker} className="mt-1 flex gap-1" onKeyDown={onPickerKey}>
            <legend className="sr-only">Pick a reaction</legend>
            {QUICK_REACTIONS.map((emoji) => (
              <Button
                key={emoji}
                variant="outline"
                size="icon-sm"
                aria-label={`React ${emoji}`}
                data-requires="chat.write"
                onClick={(e) => {
                  e.stopPropagation();
                  client.react(m.channel, m.id, emoji);
                  closePicker();
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
            'absolute -top-3 right-3 z-10 gap-0.5 rounded-md border bg-background p-0.5 shadow-sm',
            toolbarShown ? 'flex' : 'hidden group-focus-within:flex group-hover:flex',
            // The keyboard's message keeps its toolbar in the tab order (Shift+Tab from the
            // composer reaches it), unseen until it or the message has focus.
            current &&
              !selected &&
              'pointer-events-none opacity-0 group-focus-within:pointer-events-auto group-focus-within:opacity-100 group-hover:pointer-events-auto group-hover:opacity-100',
          )}
        >
          {canWrite && (
            <Action label="Reply" requires="chat.write" onClick={onReply} icon={<CornerUpLeft />} />
          )}
          {canWrite && (
            <Action
              label="React"
              requires="chat.write"
              ref={reactButton}
              expanded={picking}
              onClick={() => setPicking((p) => !p)}
              icon={<SmilePlus />}
            />
          )}
          {mine && <Action label="Edit" onClick={onEdit} icon={<Pencil />} />}
          {(mine || canModerate) && (
            <Action
              label="Delete"
              requires={mine ? undefined : 'chat.moderate'}
              icon={<Trash2 />}
              onClick={() => {
                if (window.confirm('Delete this message for everyone?')) {
                  client.remove(m.channel, m.id);
                  // The toolbar goes with the message's text: the message keeps the focus.
                  article.current?.focus();
                }
                onDone();
              }}
            />
          )}
        </div>
      )}
    </article>
  );
}

/** What a message says when it takes focus: the start of a long one (its text has it all), and its files. */
function label({ content, attachments }: Message): string {
  const text = content.length > 300 ? `${content.slice(0, 300)}…` : content;
  const files = attachments.map((a) => a.file_name).join(', ');
  if (!files) return text;
  const said = `${attachments.length === 1 ? 'a file' : `${attachments.length} files`}: ${files}`;
  return text ? `${text} (${said})` : said;
}

/** The sender of lines Hearth posts itself, such as who joined the family. */
const HEARTH = '';

/** A line from Hearth itself: centred and quiet, with no author, actions or reactions. */
function HearthLine({
  id,
  text,
  time,
  createdAt,
}: {
  id: string;
  text: string;
  time: string;
  createdAt: string;
}) {
  return (
    <div
      role="note"
      data-message-id={id}
      data-testid="hearth-line"
      aria-label={text}
      className="flex items-center justify-center gap-2 px-4 py-1.5 text-xs text-muted-foreground"
    >
      <UserPlus className="size-3.5 shrink-0" aria-hidden="true" />
      <span className="font-medium">{text}</span>
      <time dateTime={createdAt}>{time}</time>
    </div>
  );
}

function Action({
  label,
  icon,
  onClick,
  requires,
  expanded,
  ref,
}: {
  label: string;
  icon: ReactNode;
  onClick: () => void;
  /** The permission the edge checks for this action; none for what I may do to my own. */
  requires?: string | undefined;
  expanded?: boolean;
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <Button
      ref={ref}
      variant="ghost"
      size="icon-sm"
      aria-label={label}
      aria-expanded={expanded}
      data-requires={requires}
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
