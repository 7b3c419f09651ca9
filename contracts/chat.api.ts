// What the chat routes under /api/v1 answer (edge/chat/routes.ts builds them from the read
// models; the web app reads them). Types only; the socket's frames are in chat.frames.ts.
import type { PresenceFrame } from './chat.frames.ts';

/** The kinds Hearth makes; a newer server may add others. */
export type ChannelKind = 'family' | 'group' | 'dm' | (string & {});

/** GET /channels: the asker's channels, with the asker's unread count and read mark. */
export type ChannelSummary = {
  id: string;
  name: string;
  kind: ChannelKind;
  archived: boolean;
  /** Messages from others after the asker's read mark, counted up to 999. */
  unread: number;
  /** Stream sequence of the newest message (0 when there is none). */
  last_seq: number;
  last_message_at: string | null;
  /** The asker's read mark: the sequence read up to. */
  read_seq: number;
  members: string[];
};

/** GET /channels/:id: the channel and every member's read mark ("seen by"). */
export type ChannelDetail = {
  id: string;
  name: string;
  kind: ChannelKind;
  archived: boolean;
  last_seq: number;
  last_message_at: string | null;
  created_by: string;
  created_at: string;
  members: { user_id: string; read_seq: number; joined_at: string }[];
};

/**
 * A file attached to a message: a snapshot of the media record when the message was posted.
 * The file itself may have been deleted since: its download then answers 404 ("removed").
 */
export type ChatAttachment = {
  /** The media file's id (GET /files/:id). */
  id: string;
  /** /api/v1/files/<id>/download */
  url: string;
  /** /api/v1/files/<id>/download?thumb=1, or '' when there is no thumbnail. */
  thumbnail_url: string;
  content_type: string;
  file_name: string;
  size_bytes: number;
  /** Pixels, for images and videos with a poster; null otherwise. */
  width: number | null;
  height: number | null;
};

/**
 * GET /messages (a page of history, oldest first), GET /mentions (newest first) and the answer
 * to POST /messages: the seed contract's ChatMessage and what Hearth adds to it.
 */
export type ChatMessage = {
  id: string;
  content: string;
  /** '' for a line from Hearth itself, such as "Ann joined as child" in the family channel. */
  sender_id: string;
  channel_id: string;
  created_at: string;
  seq: number;
  edited_at: string | null;
  deleted: boolean;
  reply_to: string | null;
  mentions: string[];
  /** emoji → who reacted with it. */
  reactions: Record<string, string[]>;
  /** In the sender's order; [] when none. A deleted message keeps none. */
  attachments: ChatAttachment[];
  /** The sender was erased: the text is '' and each attachment's file_name ''. */
  erased: boolean;
};

/** POST /ws-token: a single-use ticket for GET /ws?token=… */
export type WsToken = { token: string; expires_at: string };

/** GET /presence: one presence frame per member, the same shape the socket sends. */
export type PresenceList = PresenceFrame[];

/** POST /channels and POST /dms: the channel, and the sequence a read can wait for. */
export type ChannelCreated = { id: string; seq: number };

/** Every other command's answer: the stream sequence of its event. */
export type Accepted = { seq: number };
