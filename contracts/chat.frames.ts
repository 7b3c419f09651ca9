// What the edge sends on the socket (server → client); what clients send, with its JSON
// Schemas, is in chat.schema.ts. The edge builds these (edge/chat/frames.ts) and the web app
// reads them (ui/src/chat/frames.ts). The seed contract's fields come first in each frame;
// Hearth's additions (seq, replies, mentions, edits, reactions, read marks, attachments) after them.
import type { ChatAttachment } from './chat.api.ts';

/** A frame made from an event on the log: `seq` is that event's stream sequence. */
export type MessageFrame = {
  type: 'message';
  id: string;
  /** '' for a line from Hearth itself, such as "Ann joined as child" in the family channel. */
  sender: string;
  content: string;
  channel: string;
  timestamp: string;
  seq: number;
  reply_to: string | null;
  mentions: string[];
  /** The same as ChatMessage's: [] when none. */
  attachments: ChatAttachment[];
};
export type MessageEditedFrame = {
  type: 'message_edited';
  id: string;
  channel: string;
  content: string;
  mentions: string[];
  edited_by: string;
  timestamp: string;
  seq: number;
};
export type MessageDeletedFrame = {
  type: 'message_deleted';
  id: string;
  channel: string;
  deleted_by: string;
  timestamp: string;
  seq: number;
};
export type ReactionFrame = {
  type: 'reaction';
  id: string;
  channel: string;
  user_id: string;
  emoji: string;
  on: boolean;
  seq: number;
};
/** Someone read the channel up to `up_to_seq` (a client's own marks come back too). */
export type ReadFrame = { type: 'read'; channel: string; user_id: string; up_to_seq: number; seq: number };
export type MemberFrame = { type: 'member'; channel: string; user_id: string; joined: boolean; seq: number };
export type ChannelArchivedFrame = { type: 'channel_archived'; channel: string; seq: number };

/** The frames chat events become, in log order per channel. */
export type EventFrame =
  | MessageFrame
  | MessageEditedFrame
  | MessageDeletedFrame
  | ReactionFrame
  | ReadFrame
  | MemberFrame
  | ChannelArchivedFrame;

// Ephemeral and per-connection frames: never on the log.
export type PresenceFrame = { type: 'presence'; user_id: string; online: boolean; channel: string };
export type TypingFrame = { type: 'typing'; user_id: string; channel: string; typing: boolean };
/** A join is done: everything after the client's after_seq, up to `seq`, has been sent. */
export type JoinedFrame = { type: 'joined'; channel: string; seq: number };
/** A command frame that carried a `ref` is on the log: the id it made and its sequence. */
export type AckFrame = { type: 'ack'; ref: string; id: string; seq: number };
/** The connection's role changed (an admin changed it): permissions follow it at once. */
export type RoleFrame = { type: 'role'; role: string };
export type PongFrame = { type: 'pong' };
/** A frame was refused; the connection stays open. `ref` echoes the refused frame's. */
export type ErrorFrame = { type: 'error'; code: string; message: string; ref?: string };

/**
 * Sent just before the edge closes a socket for good (code 4401) because its person was
 * banned: the page says who, why and until when. The socket reads it (ui/src/socket/socket.ts).
 * `until` is an ISO time, null for a ban with no end; `reason` may be ''.
 */
export type SessionEndedFrame = {
  type: 'session_ended';
  why: 'banned';
  reason: string;
  until: string | null;
};

/** Every frame chat sends. Other domains' frames share the socket (play.frames.ts). */
export type ServerFrame =
  | EventFrame
  | PresenceFrame
  | TypingFrame
  | JoinedFrame
  | AckFrame
  | RoleFrame
  | PongFrame
  | ErrorFrame;

export type ServerFrameType = ServerFrame['type'];
