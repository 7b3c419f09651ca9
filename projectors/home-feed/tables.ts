// The family feed's tables. Each source (play, identity, media) is a read model of its own
// stream with an `items` table of the same shape; queries.ts reads them together. Nothing
// here comes from chat: the feed cannot tell a DM or a private channel's line.
import type { ColumnType } from 'kysely';
import type { NotificationsDB } from '../home-notifications/tables.ts';

export type FeedRow = {
  id: string;
  kind: string;
  actor_id: string;
  subject_id: string;
  place: string;
  detail: string;
  /** A settled match's players and places: [{ user_id, place }]. */
  players: ColumnType<{ user_id: string; place: number }[], string, string>;
  link: string;
  at: Date;
  /** The last event that touched the item: the one that told it (a run of photos: its latest change). */
  last_seq: number;
};

export type FeedDB = { items: FeedRow };

export type PlayFeedDB = FeedDB &
  NotificationsDB & {
    chores: { chore_id: string; title: string; last_seq: number };
    completions: { completion_id: string; points: number; last_seq: number };
    matches: {
      match_id: string;
      game_name: string;
      players: ColumnType<{ user_id: string; place: number }[], string, string>;
      last_seq: number;
    };
    challenges: { challenge_id: string; title: string; last_seq: number };
  };
