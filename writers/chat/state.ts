// What chat decisions read: a channel's membership, one message, one reader's watermark.
import type { EventOf } from '../../contracts/events.ts';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { own } from '../../contracts/records.ts';

export type ChatEventBody = EventOf<ChatEvent>;
/** Every chat event but a member's erasure (`chat.erasure.<member>`), which names no channel. */
export type ChannelEventBody = Exclude<ChatEventBody, { case: 'memberErased' }>;

/** Whether an event is about a channel: every chat event but a member's erasure. */
export const aboutChannel = <T extends { event: ChatEventBody }>(
  e: T,
): e is T & { event: ChannelEventBody } => e.event.case !== 'memberErased';
export type ChannelKind = 'family' | 'group' | 'dm';

// Plain arrays and records, not Sets: the channel state is kept as a JSON snapshot.
export type Channel =
  | { status: 'none' }
  | {
      status: 'open' | 'archived';
      id: string;
      kind: ChannelKind;
      name: string;
      createdBy: string;
      members: string[];
    };

export type Message =
  | { status: 'none' }
  | {
      status: 'posted' | 'deleted';
      id: string;
      channelId: string;
      senderId: string;
      content: string;
      /** emoji → the people who reacted with it, in order. */
      reactions: Record<string, string[]>;
    };

export type Watermark = { upToSeq: number };

export const initialChannel: Channel = { status: 'none' };
export const initialMessage: Message = { status: 'none' };
export const initialWatermark: Watermark = { upToSeq: 0 };

export function isMember(channel: Channel, userId: string): boolean {
  return channel.status !== 'none' && channel.members.includes(userId);
}

export function evolveChannel(state: Channel, event: ChatEventBody): Channel {
  switch (event.case) {
    case 'channelCreated': {
      const v = event.value;
      const kind = v.kind === 'family' || v.kind === 'dm' ? v.kind : 'group';
      return { status: 'open', id: v.channelId, kind, name: v.name, createdBy: v.createdBy, members: [] };
    }
    case 'memberJoined':
      if (state.status === 'none' || state.members.includes(event.value.userId)) return state;
      return { ...state, members: [...state.members, event.value.userId] };
    case 'memberLeft':
      if (state.status === 'none') return state;
      return { ...state, members: state.members.filter((m) => m !== event.value.userId) };
    case 'channelArchived':
      return state.status === 'none' ? state : { ...state, status: 'archived' };
    case 'messagePosted':
    case 'messageEdited':
    case 'messageDeleted':
    case 'reactionAdded':
    case 'reactionRemoved':
    case 'channelRead':
    case 'memberErased':
      return state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function evolveMessage(state: Message, event: ChatEventBody): Message {
  switch (event.case) {
    case 'messagePosted': {
      const v = event.value;
      return {
        status: 'posted',
        id: v.messageId,
        channelId: v.channelId,
        senderId: v.senderId,
        content: v.content,
        reactions: {},
      };
    }
    case 'messageEdited':
      return state.status === 'posted' ? { ...state, content: event.value.content } : state;
    case 'messageDeleted':
      // The tombstone forgets the text and the reactions.
      return state.status === 'none' ? state : { ...state, status: 'deleted', content: '', reactions: {} };
    case 'reactionAdded': {
      if (state.status !== 'posted') return state;
      const { emoji, userId } = event.value;
      const who = own(state.reactions, emoji) ?? [];
      if (who.includes(userId)) return state;
      return { ...state, reactions: { ...state.reactions, [emoji]: [...who, userId] } };
    }
    case 'reactionRemoved': {
      if (state.status !== 'posted') return state;
      const { emoji, userId } = event.value;
      const who = (own(state.reactions, emoji) ?? []).filter((u) => u !== userId);
      const { [emoji]: _, ...rest } = state.reactions;
      return { ...state, reactions: who.length > 0 ? { ...rest, [emoji]: who } : rest };
    }
    case 'channelCreated':
    case 'memberJoined':
    case 'memberLeft':
    case 'channelArchived':
    case 'channelRead':
    case 'memberErased':
      return state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function evolveWatermark(state: Watermark, event: ChatEventBody): Watermark {
  if (event.case !== 'channelRead') return state;
  return { upToSeq: Math.max(state.upToSeq, Number(event.value.upToSeq)) };
}
