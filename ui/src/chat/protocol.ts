// The chat protocol as the page speaks it: the seed contract's frames and routes, plus the
// fields Hearth adds (seq, edits, reactions, replies, mentions, read watermarks).
import type { ClientFrame as ContractFrame } from '../../../contracts/chat.schema.ts';

export type ChannelKind = 'family' | 'group' | 'dm' | (string & {});

export type Channel = {
  id: string;
  name: string;
  kind: ChannelKind;
  unread: number;
  last_seq: number;
  archived?: boolean;
  read_seq?: number;
  members?: string[];
};

/** GET /api/v1/messages item: the seed's ChatMessage and Hearth's additions. */
export type HistoryMessage = {
  id: string;
  content: string;
  sender_id: string;
  channel_id: string;
  created_at: string;
  seq: number;
  edited_at?: string | null;
  deleted?: boolean;
  reply_to?: string | null;
  mentions?: string[];
  reactions?: Record<string, string[]>;
};

export type ServerFrame =
  | {
      type: 'message';
      id: string;
      sender: string;
      content: string;
      channel: string;
      timestamp: string;
      seq?: number;
      reply_to?: string | null;
      mentions?: string[];
    }
  | {
      type: 'message_edited';
      id: string;
      channel: string;
      content: string;
      mentions?: string[];
      timestamp: string;
      seq: number;
    }
  | { type: 'message_deleted'; id: string; channel: string; timestamp: string; seq: number }
  | {
      type: 'reaction';
      id: string;
      channel: string;
      user_id: string;
      emoji: string;
      on: boolean;
      seq: number;
    }
  | { type: 'read'; channel: string; user_id: string; up_to_seq: number; seq: number }
  | { type: 'member'; channel: string; user_id: string; joined: boolean; seq: number }
  | { type: 'channel_archived'; channel: string; seq: number }
  | { type: 'presence'; user_id: string; online: boolean; channel: string }
  | { type: 'typing'; user_id: string; channel: string; typing: boolean }
  | { type: 'joined'; channel: string; seq: number }
  | { type: 'ack'; ref: string; id: string; seq: number }
  | { type: 'role'; role: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; ref?: string };

// What this client sends: the contract's frames, with the id and flag it always sets.
export type ClientFrame =
  | (Extract<ContractFrame, { type: 'message' }> & { id: string })
  | (Extract<ContractFrame, { type: 'react' }> & { on: boolean })
  | Exclude<ContractFrame, { type: 'message' | 'react' }>;

const SERVER_TYPES = new Set<string>([
  'message',
  'message_edited',
  'message_deleted',
  'reaction',
  'read',
  'member',
  'channel_archived',
  'presence',
  'typing',
  'joined',
  'ack',
  'role',
  'pong',
  'error',
]);

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
