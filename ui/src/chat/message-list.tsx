// The history of a channel. It stays at the bottom while new messages arrive (unless the
// reader scrolled up), and loads the page before the oldest one when scrolled near the top,
// keeping the reader's place. One message at a time is in the tab order: the newest when the
// keyboard comes in (Shift+Tab from the composer lands on it), then the arrow keys, Home and
// End move between messages.
import { type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react';
import type { User } from '../identity/api.ts';
import { MessageItem } from './message-item.tsx';
import type { ChannelView } from './model.ts';
import { useChatClient } from './use-chat.tsx';

const NEAR_TOP_PX = 150;
const NEAR_BOTTOM_PX = 48;
/** Messages closer than this from one sender share one header. */
const GROUP_MS = 5 * 60_000;

export function MessageList({
  me,
  channel,
  onReply,
  onEdit,
}: {
  me: User;
  channel: ChannelView;
  onReply: (id: string) => void;
  onEdit: (id: string) => void;
}) {
  const client = useChatClient();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const anchor = useRef<{ first?: string | undefined; last?: string | undefined; height: number }>({
    height: 0,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const { messages, history } = channel;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = messages[0]?.id;
    const last = messages.at(-1);
    // What I just sent is always shown, wherever I had scrolled.
    if (last && last.id !== anchor.current.last && last.sender === me.id && last.status === 'pending')
      stick.current = true;
    const prepended = anchor.current.first !== undefined && first !== anchor.current.first;
    if (prepended && !stick.current) el.scrollTop += el.scrollHeight - anchor.current.height;
    else if (stick.current) el.scrollTop = el.scrollHeight;
    anchor.current = { first, last: last?.id, height: el.scrollHeight };
    // A short history does not scroll, so no scroll event would ever ask for more.
    if (history === 'idle' && el.scrollHeight <= el.clientHeight) void client.loadOlder(channel.id);
  }, [messages, history, client, channel.id, me.id]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX && history === 'idle') void client.loadOlder(channel.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = e.target as HTMLElement;
    if (el.tagName !== 'ARTICLE' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>('article[data-message-id]')];
    const at = items.indexOf(el);
    const to =
      e.key === 'ArrowUp'
        ? at - 1
        : e.key === 'ArrowDown'
          ? at + 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? items.length - 1
              : null;
    if (to === null) return;
    e.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, to))]?.focus();
  };

  const byId = new Map(messages.map((m) => [m.id, m]));
  // Hearth's own lines have no actions: the keyboard skips them.
  const newest = messages.findLast((m) => m.sender !== '')?.id;
  const current = focused !== null && byId.has(focused) ? focused : newest;
  return (
    <div
      ref={ref}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onBlur={(e) => {
        // Leaving the list: the next visit starts again from the newest message.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(null);
      }}
      className="min-h-0 flex-1 overflow-y-auto py-2"
      data-testid="messages"
      role="log"
      aria-label="Messages"
    >
      {/* Few messages sit just above the composer, as in any chat. */}
      <div className="flex min-h-full flex-col justify-end">
        <div className="px-4 py-2 text-center text-xs text-muted-foreground">
          {history === 'loading' && 'Loading earlier messages…'}
          {history === 'done' &&
            (messages.length === 0 ? 'No messages yet. Say hello!' : 'This is the beginning.')}
        </div>
        {messages.map((m, i) => {
          const prev = messages[i - 1];
          const grouped =
            prev !== undefined &&
            prev.sender === m.sender &&
            !m.replyTo &&
            Date.parse(m.createdAt) - Date.parse(prev.createdAt) < GROUP_MS;
          return (
            <MessageItem
              key={m.id}
              me={me}
              message={m}
              replyTo={m.replyTo ? byId.get(m.replyTo) : undefined}
              grouped={grouped}
              selected={selected === m.id}
              current={current === m.id}
              onFocus={() => setFocused(m.id)}
              onSelect={() => setSelected((s) => (s === m.id ? null : m.id))}
              onDone={() => setSelected(null)}
              onReply={() => {
                setSelected(null);
                onReply(m.id);
              }}
              onEdit={() => {
                setSelected(null);
                onEdit(m.id);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}
