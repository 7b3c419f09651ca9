// Play: the rule set (data an admin edits, not code) and the command bodies, checked before
// anything is decided. Scores are computed from events under these rules.
import type { JSONSchemaType } from 'ajv';

const ID = '^[A-Za-z0-9_-]{1,128}$';
const id = { type: 'string', pattern: ID } as const;
const RULE_ID = '^[a-z0-9][a-z0-9-]{0,63}$';
const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const SEQ = '^[0-9]{1,15}$';

/** What an XP rule is about; each comes from one kind of event. */
export const XP_EVENTS = [
  'message_posted',
  'photo_shared',
  'file_shared',
  'match_played',
  'match_won',
  'challenge_completed',
  'chore_approved',
  'streak_day',
] as const;
export type XpEvent = (typeof XP_EVENTS)[number];

/** What achievements and challenges count. */
export const METRICS = [
  'messages_sent',
  'photos_shared',
  'files_shared',
  'matches_played',
  'matches_won',
  'challenges_completed',
  'chores_approved',
  'streak_days',
  'level',
] as const;
export type Metric = (typeof METRICS)[number];
/** Challenges count events within their week; streaks and levels are not events. */
export const CHALLENGE_METRICS = [
  'messages_sent',
  'photos_shared',
  'files_shared',
  'matches_played',
  'matches_won',
  'chores_approved',
] as const;
export type ChallengeMetric = (typeof CHALLENGE_METRICS)[number];

export type XpRule = {
  id: string;
  /** Assigned when the rule set is published: bumped whenever this rule changes. */
  version?: number;
  on: XpEvent;
  /** Absent for challenge_completed and chore_approved: their own reward or points count. */
  xp?: number;
  /** At most this much XP from this rule per member per day (family time zone). */
  daily_cap?: number;
  /** streak_day: the bonus starts on the n-th consecutive active day. */
  min_days?: number;
};

export type AchievementRule = {
  id: string;
  version?: number;
  title: string;
  description?: string;
  metric: Metric;
  threshold: number;
};

export type EloRules = {
  version?: number;
  initial: number;
  /** K while a player has played fewer than provisional_games games of that game (FIDE: 40). */
  k_provisional: number;
  k_established: number;
  provisional_games: number;
};

export type RuleSet = { xp: XpRule[]; achievements: AchievementRule[]; elo: EloRules };

const count = (max: number) => ({ type: 'integer', minimum: 0, maximum: max }) as const;
const optionalCount = (max: number) =>
  ({ type: 'integer', minimum: 0, maximum: max, nullable: true }) as const;

export const ruleSetSchema: JSONSchemaType<RuleSet> = {
  type: 'object',
  properties: {
    xp: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: RULE_ID },
          version: optionalCount(1_000_000),
          on: { type: 'string', enum: [...XP_EVENTS] },
          xp: optionalCount(100_000),
          daily_cap: optionalCount(1_000_000),
          min_days: { type: 'integer', minimum: 1, maximum: 365, nullable: true },
        },
        required: ['id', 'on'],
        additionalProperties: false,
      },
    },
    achievements: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: RULE_ID },
          version: optionalCount(1_000_000),
          title: { type: 'string', minLength: 1, maxLength: 80 },
          description: { type: 'string', maxLength: 200, nullable: true },
          metric: { type: 'string', enum: [...METRICS] },
          threshold: { type: 'integer', minimum: 1, maximum: 10_000_000 },
        },
        required: ['id', 'title', 'metric', 'threshold'],
        additionalProperties: false,
      },
    },
    elo: {
      type: 'object',
      properties: {
        version: optionalCount(1_000_000),
        initial: { type: 'integer', minimum: 100, maximum: 4000 },
        k_provisional: { type: 'integer', minimum: 1, maximum: 100 },
        k_established: { type: 'integer', minimum: 1, maximum: 100 },
        provisional_games: count(1000),
      },
      required: ['initial', 'k_provisional', 'k_established', 'provisional_games'],
      additionalProperties: false,
    },
  },
  required: ['xp', 'achievements', 'elo'],
  additionalProperties: false,
};

/** Version 1, in force until an admin publishes another. */
export const DEFAULT_RULES: RuleSet = {
  xp: [
    { id: 'message', version: 1, on: 'message_posted', xp: 1, daily_cap: 50 },
    { id: 'photo', version: 1, on: 'photo_shared', xp: 5, daily_cap: 50 },
    { id: 'file', version: 1, on: 'file_shared', xp: 5, daily_cap: 25 },
    { id: 'match-played', version: 1, on: 'match_played', xp: 10 },
    { id: 'match-won', version: 1, on: 'match_won', xp: 15 },
    { id: 'challenge', version: 1, on: 'challenge_completed' },
    { id: 'chore', version: 1, on: 'chore_approved' },
    { id: 'streak', version: 1, on: 'streak_day', xp: 5, min_days: 2 },
  ],
  achievements: [
    { id: 'first-message', version: 1, title: 'First words', metric: 'messages_sent', threshold: 1 },
    { id: 'hundred-messages', version: 1, title: 'Chatterbox', metric: 'messages_sent', threshold: 100 },
    { id: 'first-photo', version: 1, title: 'Say cheese', metric: 'photos_shared', threshold: 1 },
    { id: 'week-streak', version: 1, title: 'Seven days running', metric: 'streak_days', threshold: 7 },
    { id: 'five-wins', version: 1, title: 'Five wins', metric: 'matches_won', threshold: 5 },
    {
      id: 'first-challenge',
      version: 1,
      title: 'Challenge accepted',
      metric: 'challenges_completed',
      threshold: 1,
    },
    { id: 'first-chore', version: 1, title: 'Helping hand', metric: 'chores_approved', threshold: 1 },
    { id: 'level-5', version: 1, title: 'Level 5', metric: 'level', threshold: 5 },
  ],
  elo: { version: 1, initial: 1200, k_provisional: 40, k_established: 20, provisional_games: 30 },
};

export type PublishRulesBody = { expected_version: number; rules: RuleSet };
export const publishRulesBody: JSONSchemaType<PublishRulesBody> = {
  type: 'object',
  properties: { expected_version: count(1_000_000), rules: ruleSetSchema },
  required: ['expected_version', 'rules'],
  additionalProperties: false,
};

export type PreviewRulesBody = { rules: RuleSet };
export const previewRulesBody: JSONSchemaType<PreviewRulesBody> = {
  type: 'object',
  properties: { rules: ruleSetSchema },
  required: ['rules'],
  additionalProperties: false,
};

export type SettingsBody = { time_zone?: string; hidden_member_ids?: string[] };
export const settingsBody: JSONSchemaType<SettingsBody> = {
  type: 'object',
  properties: {
    time_zone: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
    hidden_member_ids: { type: 'array', items: id, maxItems: 200, nullable: true },
  },
  additionalProperties: false,
};

export type ReportMatchBody = {
  id?: string;
  game: string;
  /** Players best first; equal places are draws. The reporter must be one of them. */
  placements: { user_id: string; place: number }[];
};
export const reportMatchBody: JSONSchemaType<ReportMatchBody> = {
  type: 'object',
  properties: {
    id: { ...id, nullable: true },
    game: { type: 'string', minLength: 1, maxLength: 40 },
    placements: {
      type: 'array',
      minItems: 2,
      maxItems: 8,
      items: {
        type: 'object',
        properties: { user_id: id, place: { type: 'integer', minimum: 1, maximum: 8 } },
        required: ['user_id', 'place'],
        additionalProperties: false,
      },
    },
  },
  required: ['game', 'placements'],
  additionalProperties: false,
};

export type ReasonBody = { reason?: string };
export const reasonBody: JSONSchemaType<ReasonBody> = {
  type: 'object',
  properties: { reason: { type: 'string', maxLength: 200, nullable: true } },
  additionalProperties: false,
};

/** An admin's decision on a completion: member_id is whose completion they looked at. */
export type ApproveCompletionBody = { member_id?: string };
export const approveCompletionBody: JSONSchemaType<ApproveCompletionBody> = {
  type: 'object',
  properties: { member_id: { ...id, nullable: true } },
  additionalProperties: false,
};
export type RejectCompletionBody = { member_id?: string; reason?: string };
export const rejectCompletionBody: JSONSchemaType<RejectCompletionBody> = {
  type: 'object',
  properties: {
    member_id: { ...id, nullable: true },
    reason: { type: 'string', maxLength: 200, nullable: true },
  },
  additionalProperties: false,
};

export const RECURRENCES = ['once', 'daily', 'weekly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

export type DefineChoreBody = { id?: string; title: string; points: number; recurrence?: Recurrence };
export const defineChoreBody: JSONSchemaType<DefineChoreBody> = {
  type: 'object',
  properties: {
    id: { ...id, nullable: true },
    title: { type: 'string', minLength: 1, maxLength: 80 },
    points: { type: 'integer', minimum: 1, maximum: 10_000 },
    recurrence: { type: 'string', enum: [...RECURRENCES], nullable: true },
  },
  required: ['title', 'points'],
  additionalProperties: false,
};

export type MarkDoneBody = { photo_id?: string; note?: string };
export const markDoneBody: JSONSchemaType<MarkDoneBody> = {
  type: 'object',
  properties: {
    photo_id: { ...id, nullable: true },
    note: { type: 'string', maxLength: 200, nullable: true },
  },
  additionalProperties: false,
};

export type CreateChallengeBody = {
  id?: string;
  title: string;
  /** The Monday the week starts on (family time zone); absent: this week. */
  week?: string;
  metric: ChallengeMetric;
  target: number;
  reward_xp: number;
  member_ids?: string[];
  /** True: the whole week counts, from its Monday. Absent or false: from now. */
  from_week_start?: boolean;
};
export const createChallengeBody: JSONSchemaType<CreateChallengeBody> = {
  type: 'object',
  properties: {
    id: { ...id, nullable: true },
    title: { type: 'string', minLength: 1, maxLength: 80 },
    week: { type: 'string', pattern: DAY, nullable: true },
    metric: { type: 'string', enum: [...CHALLENGE_METRICS] },
    target: { type: 'integer', minimum: 1, maximum: 100_000 },
    reward_xp: { type: 'integer', minimum: 1, maximum: 100_000 },
    member_ids: { type: 'array', items: id, minItems: 1, maxItems: 200, nullable: true },
    from_week_start: { type: 'boolean', nullable: true },
  },
  required: ['title', 'metric', 'target', 'reward_xp'],
  additionalProperties: false,
};

export type PlayQuery = { after?: string; week?: string };
export const playQuery: JSONSchemaType<PlayQuery> = {
  type: 'object',
  properties: {
    after: { type: 'string', nullable: true, pattern: SEQ },
    week: { type: 'string', nullable: true, pattern: DAY },
  },
  additionalProperties: false,
};
