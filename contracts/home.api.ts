// What the home API answers (edge/home/routes.ts fills these; ui/src/home reads them).
import type { NotificationKind } from './home.schema.ts';

export type NotificationItem = {
  id: string;
  kind: NotificationKind;
  /** Who caused it (empty for Hearth itself), and their name as the family knows it now. */
  actor_id: string;
  actor_name: string;
  /** Where it happened, in words: a channel's name (empty for a DM), a chore, a game, a level. */
  place: string;
  /** A line: the message's start, a rejection's reason, a reward. */
  body: string;
  /** The page it happened on, e.g. /c/<channel>, /play/chores. */
  link: string;
  /** ISO time. */
  at: string;
  read: boolean;
};

export type NotificationsPage = {
  notifications: NotificationItem[];
  unread: number;
  /** The kinds this member muted: they are neither listed nor counted. */
  muted: NotificationKind[];
};

export const FEED_KINDS = [
  'joined',
  'level_up',
  'achievement',
  'chore_approved',
  'match_settled',
  'challenge_completed',
  'photos_shared',
] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export type FeedItem = {
  id: string;
  kind: FeedKind;
  actor_id: string;
  actor_name: string;
  /** A chore's title, a game, an achievement, a challenge, a level. */
  place: string;
  /** XP or points earned, when it earned some; for photos shared, how many ("5 photos"). */
  detail: string;
  /** Photos shared: up to four thumbnail URLs (the gallery shows the rest); [] for other kinds. */
  thumbnails: string[];
  /** A settled match: each player's rating change, in rating points (one decimal). */
  ratings: { user_id: string; name: string; place: number; delta: number | null }[];
  link: string;
  at: string;
};

export type HomeFeed = { items: FeedItem[] };

export type Accepted = { seq: number };
