// What the play routes under /api/v1/play answer (edge/play/*.routes.ts builds them from the
// read models and the score engine; the web app reads them). Types only.
import type { ChallengeMetric, Metric, Recurrence, RuleSet } from './play.schema.ts';

export type Rating = { game: string; game_name: string; rating: number; games: number; provisional: boolean };

/** GET /me and GET /members/:user_id. */
export type Profile = {
  user_id: string;
  name: string;
  xp: number;
  week_xp: number;
  level: number;
  level_start_xp: number;
  next_level_xp: number;
  rank: number | null;
  week_rank: number | null;
  streak: { current: number; longest: number };
  metrics: Record<Metric, number>;
  achievements: { id: string; title: string; version: number; earned_at: string }[];
  ratings: Rating[];
  rules_version: number;
  /** Every achievement the rules name, with this member's progress towards it. */
  achievements_available: {
    id: string;
    title: string;
    description: string | null;
    metric: Metric;
    threshold: number;
    progress: number;
    earned_at: string | null;
  }[];
};

/** What earned a grant: a day's messages under one rule are one row, with the chat events. */
export type GrantSource =
  | { kind: 'messages'; day: string; messages: number; stream: 'chat'; seqs: number[] }
  | { kind: 'event'; stream: 'play' | 'media'; seq: number; label: string }
  | { kind: 'streak'; day: string; run: number };

export type XpGrant = {
  rule_id: string;
  rule_version: number;
  xp: number;
  at: string;
  day: string;
  source: GrantSource;
};

/** GET /members/:user_id/xp: "Why this XP?", every grant with the rule that made it. */
export type XpExplanation = {
  user_id: string;
  xp: number;
  level: number;
  rules_version: number;
  grants: XpGrant[];
};

export type BoardRow = { user_id: string; name: string; rank: number; value: number };
export type EloRow = BoardRow & { games: number; provisional: boolean };

/** GET /leaderboards. A tie shares its rank (1, 1, 3). */
export type Boards = {
  week: string;
  xp_week: BoardRow[];
  xp_all_time: BoardRow[];
  /** game key → its board. */
  elo: Record<string, EloRow[]>;
  /** game key → its name as reported. */
  games: Record<string, string>;
};

/** `expired`: reported, and not confirmed by everyone in time. */
export type MatchStatus = 'reported' | 'settled' | 'rejected' | 'voided' | 'expired';

/** GET /matches: the newest 200. */
export type Match = {
  id: string;
  game: string;
  game_name: string;
  status: MatchStatus;
  placements: {
    user_id: string;
    name: string;
    place: number;
    confirmed: boolean;
    /** Elo points won or lost, once settled. */
    rating_change: number | null;
  }[];
  reported_by: string;
  reported_at: string;
  expires_at: string;
  settled_at: string | null;
  settled_by_admin: string | null;
  closed_by: string | null;
  reason: string | null;
  seq: number;
};

export type Challenge = {
  id: string;
  title: string;
  week: string;
  metric: ChallengeMetric;
  target: number;
  reward_xp: number;
  /** Who it is for; empty: the whole family. */
  member_ids: string[];
  /** Progress counts from this moment; null: the whole week, from its Monday. */
  starts_at: string | null;
  progress: { user_id: string; name: string; progress: number; completed: boolean }[];
};

/** GET /challenges: one week's (this week's unless ?week= names another). */
export type ChallengeList = { week: string; challenges: Challenge[] };

export type CompletionStatus = 'pending' | 'approved' | 'rejected';

export type Chore = {
  id: string;
  title: string;
  points: number;
  recurrence: Recurrence;
  /** This period's completion (the asker's; for a one-off chore, anyone's), if there is one. */
  current: { id: string; user_id: string; status: CompletionStatus; period: string } | null;
};

export type Completion = {
  chore_id: string;
  id: string;
  user_id: string;
  period: string;
  points: number;
  photo_id: string | null;
  note: string | null;
  status: CompletionStatus;
  marked_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
};

/** GET /chores: the chores not retired, and the newest 200 completions (pending first). */
export type ChoreBoard = { chores: Chore[]; completions: Completion[] };

/** GET /rules: the rules in force (version 1 with nothing published: the defaults). */
export type LiveRules = {
  version: number;
  rules: RuleSet;
  published_at: string | null;
  published_by: string | null;
};

/** One member before → after a rule change; each pair is [now, with the draft]. */
export type MemberDiff = {
  user_id: string;
  name: string;
  xp: [number, number];
  level: [number, number];
  rank: [number | null, number | null];
  week_rank: [number | null, number | null];
  ratings: { game: string; game_name: string; rating: [number | null, number | null] }[];
  achievements_gained: string[];
  achievements_lost: string[];
};

/** POST /rules/preview: what publishing the draft would change, member by member. */
export type RulesPreview = {
  based_on_version: number;
  watermark: string;
  /** Titles of every achievement either rule set names. */
  achievement_titles: Record<string, string>;
  members: MemberDiff[];
  /** How many members would see any change. */
  changed: number;
};

/** GET /settings. */
export type PlaySettings = { time_zone: string; hidden_member_ids: string[] };

/** A command's answer: the sequence a read can wait for, and what the command made or touched. */
export type Accepted = {
  seq: number;
  id?: string;
  /** PUT /rules: the version now in force. */
  version?: number;
  /** POST /challenges: the week it is for. */
  week?: string;
  /** Chore completions: the chore, and the period the completion counts for. */
  chore_id?: string;
  period?: string;
};
