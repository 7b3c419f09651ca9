// What the page holds about chat, and pure functions that change it. Every change makes new
// objects along the path it touches, so React re-renders exactly what changed.

import type { ChannelSummary, ChatAttachment, ChatMessage } from '../../../contracts/chat.api.ts';
import { own } from '../../../contracts/records.ts';
import type { Person } from '../identity/people.ts';
import type { ConnectionStatus } from '../socket/socket.ts';

export type Message = {
  id: string;
  channel: string;
  sender: string;
  content: string;
  createdAt: string;
  /** null until the server has put it on the log. */
  seq: number | null;
  editedAt: string | null;
  deleted: boolean;
  replyTo: string | null;
  mentions: string[];
  /** Its sender was erased on request: no text, no file names. */
  erased?: boolean;
  reactions: Record<string, string[]>;
  /** Files shared with it, in order; [] when none (and once deleted). */
  attachments: ChatAttachment[];
  status: 'sent' | 'pending' | 'failed';
};

export type ChannelView = ChannelSummary & {
  messages: Message[];
  /** idle: more may exist above; done: the beginning is on screen. */
  history: 'unloaded' | 'loading' | 'idle' | 'done';
  /** user id → when their "typing" runs out. */
  typing: Record<string, number>;
  /** Messages from others that arrived after the server counted `unread` (id → seq). */
  fresh: Record<string, number>;
  /** The highest sequence seen in this channel: where a reconnect resumes (after_seq). */
  seen: number;
};

export type ChatState = {
  status: ConnectionStatus;
  retryAt: number | null;
  channelsLoaded: boolean;
  channels: Record<string, ChannelView>;
  presence: Record<string, boolean>;
  people: Record<string, Person>;
  notice: string | null;
};

export const initialChatState: ChatState = {
  status: 'connecting',
  retryAt: null,
  channelsLoaded: false,
  channels: {},
  presence: {},
  people: {},
  notice: null,
};

export function fromHistory(m: ChatMessage): Message {
  return {
    id: m.id,
    channel: m.channel_id,
    sender: m.sender_id,
    content: m.content,
    createdAt: m.created_at,
    seq: m.seq,
    editedAt: m.edited_at ?? null,
    deleted: m.deleted ?? false,
    replyTo: m.reply_to ?? null,
    mentions: m.mentions ?? [],
    erased: m.erased ?? false,
    reactions: m.reactions ?? {},
    // An older server sends none.
    attachments: m.attachments ?? [],
    status: 'sent',
  };
}

const order = (a: Message, b: Message) =>
  (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
  a.createdAt.localeCompare(b.createdAt);

/** Merge by id: what the server says replaces what the page guessed; order is the log's. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    // A replayed post must not undo an edit, a deletion or reactions seen since.
    byId.set(m.id, known && known.status === 'sent' && m.seq !== null ? { ...m, ...keepLater(known, m) } : m);
  }
  return [...byId.values()].sort(order);
}

function keepLater(known: Message, m: Message): Partial<Message> {
  if (known.editedAt === null && !known.deleted) return {};
  const deleted = known.deleted || m.deleted;
  return {
    content: known.content,
    editedAt: known.editedAt ?? m.editedAt,
    deleted,
    attachments: deleted ? [] : m.attachments,
  };
}

export function updateMessage(
  channel: ChannelView,
  id: string,
  change: (m: Message) => Message,
): ChannelView {
  const i = channel.messages.findIndex((m) => m.id === id);
  const found = channel.messages[i];
  if (!found) return channel;
  const messages = channel.messages.slice();
  messages[i] = change(found);
  return { ...channel, messages };
}

export function toggleReaction(m: Message, emoji: string, userId: string, on: boolean): Message {
  const who = new Set(own(m.reactions, emoji) ?? []);
  if (on) who.add(userId);
  else who.delete(userId);
  // Built, not assigned: `reactions['__proto__'] = …` would set the prototype.
  const { [emoji]: _, ...rest } = m.reactions;
  return { ...m, reactions: who.size > 0 ? { ...rest, [emoji]: [...who] } : rest };
}

/** The badge: what the server counted up to last_seq, plus what arrived since. */
export function unreadOf(c: ChannelView): number {
  let n = c.unread;
  for (const seq of Object.values(c.fresh)) if (seq > c.last_seq) n++;
  return n;
}

/** A fresh list from the server replaces the counts; what arrived after it still counts. */
export function channelView(c: ChannelSummary, previous?: ChannelView): ChannelView {
  // Built, not assigned: message ids are the client's choice, and `__proto__` is one.
  const fresh = Object.fromEntries(
    Object.entries(previous?.fresh ?? {}).filter(([, seq]) => seq > c.last_seq),
  );
  return {
    ...c,
    messages: previous?.messages ?? [],
    history: previous?.history ?? 'unloaded',
    typing: previous?.typing ?? {},
    fresh,
    // Only frames move this on: the list may count messages this page has not received
    // yet, and the next join must ask for them.
    seen: previous ? previous.seen : c.last_seq,
  };
}

/** The newest message on the log that this page holds: what "read up to here" means. */
export function newestSeq(c: ChannelView): number {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const seq = c.messages[i]?.seq;
    if (seq != null) return seq;
  }
  return 0;
}

/** Who is typing right now, oldest first. */
export function typingNow(channel: ChannelView | undefined, now: number): string[] {
  if (!channel) return [];
  return Object.entries(channel.typing)
    .filter(([, until]) => until > now)
    .map(([id]) => id);
}
