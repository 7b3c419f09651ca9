// The socket's frames as the page speaks them (contracts/chat.frames.ts, chat.schema.ts): what
// arrives is checked before it is used, then each frame changes the page's state. Pure: the
// client does the I/O that the returned effects ask for (refresh the channel list, mark read).
import type { ServerFrame, ServerFrameType } from '../../../contracts/chat.frames.ts';
import type { ClientFrame as ContractFrame } from '../../../contracts/chat.schema.ts';
import {
  type ChannelView,
  type ChatState,
  type Message,
  mergeMessages,
  toggleReaction,
  updateMessage,
} from './model.ts';

// What this client sends: the contract's frames, with the id and flag it always sets.
export type ClientFrame =
  | (Extract<ContractFrame, { type: 'message' }> & { id: string })
  | (Extract<ContractFrame, { type: 'react' }> & { on: boolean })
  | Exclude<ContractFrame, { type: 'message' | 'react' }>;

/** Every type chat sends: a new one in the contract does not compile until it is listed here. */
const SERVER_TYPES = new Set<string>(
  Object.keys({
    message: true,
    message_edited: true,
    message_deleted: true,
    reaction: true,
    read: true,
    member: true,
    channel_archived: true,
    presence: true,
    typing: true,
    joined: true,
    ack: true,
    role: true,
    pong: true,
    error: true,
  } satisfies Record<ServerFrameType, true>),
);

/** A frame we understand, or null: newer servers may send types this page does not know. */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const value = JSON.parse(data) as { type?: unknown };
    return typeof value.type === 'string' && SERVER_TYPES.has(value.type) ? (value as ServerFrame) : null;
  } catch {
    return null;
  }
}

/** How long a "typing" lasts without a refresh; senders repeat it every few seconds. */
export const TYPING_TTL_MS = 6_000;

export type FrameContext = {
  me: string;
  now: number;
  /** The person is looking at this channel right now. */
  reading: (channelId: string) => boolean;
};

export type FrameEffects = {
  /** Fetch the list again, once it includes this sequence (0: as it is). */
  refreshChannels?: number;
  markRead?: string;
  role?: string;
  error?: { code: string; message: string; ref?: string };
};

type Result = { state: ChatState; effects: FrameEffects };

const withChannel = (state: ChatState, id: string, change: (c: ChannelView) => ChannelView): ChatState => {
  const c = state.channels[id];
  return c ? { ...state, channels: { ...state.channels, [id]: change(c) } } : state;
};

const seen = (c: ChannelView, seq: number | undefined) => (seq && seq > c.seen ? { ...c, seen: seq } : c);

export function applyFrame(state: ChatState, frame: ServerFrame, ctx: FrameContext): Result {
  const same = { state, effects: {} };
  switch (frame.type) {
    case 'message': {
      const c = state.channels[frame.channel];
      // A channel this page does not know yet (a new DM): the list has to be fetched again.
      if (!c) return { state, effects: { refreshChannels: frame.seq ?? 0 } };
      const m: Message = {
        id: frame.id,
        channel: frame.channel,
        sender: frame.sender,
        content: frame.content,
        createdAt: frame.timestamp,
        seq: frame.seq ?? null,
        editedAt: null,
        deleted: false,
        replyTo: frame.reply_to ?? null,
        mentions: frame.mentions ?? [],
        reactions: {},
        attachments: frame.attachments ?? [],
        status: 'sent',
      };
      const { [frame.sender]: _stopped, ...typing } = c.typing;
      let next: ChannelView = { ...seen(c, frame.seq), messages: mergeMessages(c.messages, [m]), typing };
      // Hearth's own lines (sender '') are shown, not counted, as the server counts them.
      if (frame.sender === ctx.me || frame.sender === '' || frame.seq === undefined)
        return { state: put(state, next), effects: {} };
      // Read on sight; otherwise it counts, unless the server's count already includes it.
      if (ctx.reading(c.id)) return { state: put(state, next), effects: { markRead: c.id } };
      if (frame.seq > c.last_seq) next = { ...next, fresh: { ...next.fresh, [frame.id]: frame.seq } };
      return { state: put(state, next), effects: {} };
    }
    case 'message_edited':
      return {
        state: withChannel(state, frame.channel, (c) =>
          updateMessage(seen(c, frame.seq), frame.id, (m) => ({
            ...m,
            content: frame.content,
            mentions: frame.mentions ?? m.mentions,
            editedAt: frame.timestamp,
          })),
        ),
        effects: {},
      };
    case 'message_deleted':
      return {
        state: withChannel(state, frame.channel, (c) => {
          const { [frame.id]: _gone, ...fresh } = c.fresh;
          const next = updateMessage(seen(c, frame.seq), frame.id, (m) => ({
            ...m,
            content: '',
            deleted: true,
            attachments: [],
          }));
          return { ...next, fresh };
        }),
        effects: {},
      };
    case 'reaction':
      return {
        state: withChannel(state, frame.channel, (c) =>
          updateMessage(seen(c, frame.seq), frame.id, (m) =>
            toggleReaction(m, frame.emoji, frame.user_id, frame.on),
          ),
        ),
        effects: {},
      };
    case 'read':
      if (frame.user_id !== ctx.me)
        return { state: withChannel(state, frame.channel, (c) => seen(c, frame.seq)), effects: {} };
      // Read in another tab or device: the badge clears here too.
      return {
        state: withChannel(state, frame.channel, (c) => {
          const fresh = Object.fromEntries(Object.entries(c.fresh).filter(([, s]) => s > frame.up_to_seq));
          const last_seq = Math.max(c.last_seq, frame.up_to_seq);
          return { ...seen(c, frame.seq), unread: 0, fresh, last_seq, read_seq: frame.up_to_seq };
        }),
        effects: {},
      };
    case 'member': {
      if (frame.user_id === ctx.me) return { state, effects: { refreshChannels: frame.seq } };
      return {
        state: withChannel(state, frame.channel, (c) => {
          const others = (c.members ?? []).filter((id) => id !== frame.user_id);
          return { ...seen(c, frame.seq), members: frame.joined ? [...others, frame.user_id] : others };
        }),
        effects: {},
      };
    }
    case 'channel_archived':
      return {
        state: withChannel(state, frame.channel, (c) => ({ ...seen(c, frame.seq), archived: true })),
        effects: {},
      };
    case 'presence':
      if (state.presence[frame.user_id] === frame.online) return same;
      return {
        state: { ...state, presence: { ...state.presence, [frame.user_id]: frame.online } },
        effects: {},
      };
    case 'typing':
      if (frame.user_id === ctx.me) return same;
      return {
        state: withChannel(state, frame.channel, (c) => {
          const { [frame.user_id]: _old, ...typing } = c.typing;
          return {
            ...c,
            typing: frame.typing ? { ...typing, [frame.user_id]: ctx.now + TYPING_TTL_MS } : typing,
          };
        }),
        effects: {},
      };
    case 'error':
      return { state, effects: { error: frame } };
    case 'role':
      return { state, effects: { role: frame.role } };
    case 'ack':
      // My message is on the log, whether or not its echo has arrived yet.
      return {
        state: mapMessages(state, frame.ref, (m) =>
          m.status === 'sent' ? m : { ...m, status: 'sent', seq: m.seq ?? frame.seq },
        ),
        effects: {},
      };
    case 'joined':
      return { state: withChannel(state, frame.channel, (c) => seen(c, frame.seq)), effects: {} };
    case 'pong':
      return same;
    default: {
      const unreachable: never = frame;
      return unreachable;
    }
  }
}

/** Change the message with this id, in whichever channel holds it. */
function mapMessages(state: ChatState, id: string, change: (m: Message) => Message): ChatState {
  for (const c of Object.values(state.channels)) {
    if (c.messages.some((m) => m.id === id)) return put(state, updateMessage(c, id, change));
  }
  return state;
}

function put(state: ChatState, c: ChannelView): ChatState {
  return { ...state, channels: { ...state.channels, [c.id]: c } };
}
