// The notification centre's tables. Each source stream has its read model (home_notifications_chat
// for chat, home_feed for play), each with a `notifications` table of the same shape; queries.ts
// reads them together. home_notifications itself keeps what each member read and muted.
export type NotificationRow = {
  id: string;
  /** The one told; null when an audience is told instead. */
  member_id: string | null;
  /** 'everyone' or a permission ('play.manage'): whoever holds it when they look. */
  audience: string | null;
  /** Not told although in the audience (who caused it). */
  except_id: string | null;
  kind: string;
  actor_id: string;
  /** What it is about: a message, a completion, a match, a challenge, a member. */
  subject_id: string;
  /** Where it happened, in words: a channel's name, a chore's title, a game. */
  place: string;
  /** A line of text: a message's start, a rejection's reason. */
  body: string;
  link: string;
  at: Date;
  /** When it was projected (a rebuild sets it to `at`). */
  added_at: Date;
  /** The position of the event that made it in its stream: the live loop follows it. */
  seq: number;
};

/** last_seq: the last event that touched the row (the one that made it, or an edit since). */
export type NotificationsDB = { notifications: NotificationRow & { last_seq: number } };

export type InboxDB = {
  inbox: { member_id: string; read_up_to: Date | null; muted: string[]; last_seq: number };
  reads: { member_id: string; notification_id: string; last_seq: number };
};

export type ChatSourceDB = NotificationsDB & {
  channels: { channel_id: string; name: string; kind: string; last_seq: number };
  members: { channel_id: string; user_id: string; last_seq: number };
};
