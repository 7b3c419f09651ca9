// The play routes of the edge's public API (/api/v1/play). Reads take `after`: the sequence
// of a command this page sent, so what comes back already includes its effect.
import type {
  ChallengeMetric,
  CreateChallengeBody,
  DefineChoreBody,
  Metric,
  Recurrence,
  RuleSet,
} from '../../../contracts/play.schema.ts';
import { api } from '../lib/http.ts';

export type Rating = { game: string; game_name: string; rating: number; games: number; provisional: boolean };

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

export type GrantSource =
  | { kind: 'messages'; day: string; messages: number; stream?: string; seqs?: number[] }
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

export type XpExplanation = {
  user_id: string;
  xp: number;
  level: number;
  rules_version: number;
  grants: XpGrant[];
};

export type BoardRow = { user_id: string; name: string; rank: number; value: number };
export type EloRow = BoardRow & { games: number; provisional: boolean };

export type Boards = {
  week: string;
  xp_week: BoardRow[];
  xp_all_time: BoardRow[];
  elo: Record<string, EloRow[]>;
  /** game key → its name as reported. */
  games: Record<string, string>;
};

export type MatchStatus = 'reported' | 'settled' | 'rejected' | 'voided' | 'expired';

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
  member_ids: string[] | null;
  progress: { user_id: string; name: string; progress: number; completed: boolean }[];
};

export type Chore = {
  id: string;
  title: string;
  points: number;
  recurrence: Recurrence;
  /** This period's completion (yours; for a one-off chore, anyone's), if there is one. */
  current?: {
    id: string;
    user_id: string;
    status: 'pending' | 'approved' | 'rejected';
    period: string;
  } | null;
};

export type CompletionStatus = 'pending' | 'approved' | 'rejected';

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

export type LiveRules = {
  version: number;
  rules: RuleSet;
  published_at: string | null;
  published_by: string | null;
};

export type MemberDiff = {
  user_id: string;
  name: string;
  xp: [number, number];
  level: [number, number];
  rank: [number | null, number | null];
  week_rank: [number | null, number | null];
  ratings: { game: string; game_name?: string; rating: [number | null, number | null] }[];
  achievements_gained: string[];
  achievements_lost: string[];
};

export type RulesPreview = {
  based_on_version: number;
  watermark: string;
  achievement_titles?: Record<string, string>;
  members: MemberDiff[];
  changed: number;
};

export type PlaySettings = { time_zone: string; hidden_member_ids: string[] };

/** A command's answer: the sequence to read after, and the id of what it made. */
export type Accepted = { seq: number; id?: string; version?: number };

const read = <T>(path: string, after?: number) =>
  api<T>(`/api/v1/play${path}${after ? `${path.includes('?') ? '&' : '?'}after=${after}` : ''}`);
const command = (path: string, body: unknown = {}, method = 'POST') =>
  api<Accepted>(`/api/v1/play${path}`, { method, body });
const part = encodeURIComponent;

export const getMyProfile = (after?: number) => read<Profile>('/me', after);
export const getProfile = (userId: string, after?: number) =>
  read<Profile>(`/members/${part(userId)}`, after);
export const getXp = (userId: string, after?: number) =>
  read<XpExplanation>(`/members/${part(userId)}/xp`, after);
export const getBoards = (after?: number) => read<Boards>('/leaderboards', after);

export const getMatches = (after?: number) => read<Match[]>('/matches', after);
export const reportMatch = (body: { game: string; placements: { user_id: string; place: number }[] }) =>
  command('/matches', body);
export const confirmMatch = (id: string) => command(`/matches/${part(id)}/confirm`);
export const rejectMatch = (id: string) => command(`/matches/${part(id)}/reject`);
export const voidMatch = (id: string, reason?: string) =>
  command(`/matches/${part(id)}/void`, reason ? { reason } : {});

export const getChallenges = (after?: number) =>
  read<{ week: string; challenges: Challenge[] }>('/challenges', after);
export const createChallenge = (body: CreateChallengeBody) => command('/challenges', body);
export const cancelChallenge = (id: string) => command(`/challenges/${part(id)}/cancel`);

export const getChores = (after?: number) =>
  read<{ chores: Chore[]; completions: Completion[] }>('/chores', after);
export const defineChore = (body: DefineChoreBody) => command('/chores', body);
export const retireChore = (id: string) => command(`/chores/${part(id)}/retire`);
export const markChoreDone = (id: string, note?: string) =>
  command(`/chores/${part(id)}/done`, note ? { note } : {});
/** memberId: whose completion the admin looked at; someone else's since is refused. */
export const approveCompletion = (choreId: string, id: string, memberId: string) =>
  command(`/chores/${part(choreId)}/completions/${part(id)}/approve`, { member_id: memberId });
export const rejectCompletion = (choreId: string, id: string, memberId: string, reason?: string) =>
  command(`/chores/${part(choreId)}/completions/${part(id)}/reject`, {
    member_id: memberId,
    ...(reason ? { reason } : {}),
  });

export const getRules = (after?: number) => read<LiveRules>('/rules', after);
export const previewRules = (rules: unknown) =>
  api<RulesPreview>('/api/v1/play/rules/preview', { body: { rules } });
export const publishRules = (rules: unknown, expectedVersion: number) =>
  command('/rules', { rules, expected_version: expectedVersion }, 'PUT');

export const getSettings = (after?: number) => read<PlaySettings>('/settings', after);
export const saveSettings = (body: { time_zone?: string; hidden_member_ids?: string[] }) =>
  command('/settings', body, 'PUT');
