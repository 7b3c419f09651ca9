// The facts the scoring engine reads and the scores it returns (see engine.ts).
import type { Metric } from '../../contracts/play.schema.ts';

export type MessageDay = {
  memberId: string;
  day: string;
  messages: number;
  unique: number;
  firstAt: Date;
  /**
   * The day's first messages that count (not repeats, not deleted), in log order, as many as
   * XP can pay for; firstAt is the first message posted, of any kind, deleted or not.
   */
  counted: { seq: number; at: Date }[];
};
export type MediaFact = { memberId: string; kind: 'photo' | 'file'; at: Date; seq: number };
export type MatchFact = {
  matchId: string;
  game: string;
  gameName: string;
  settledAt: Date;
  settledSeq: number;
  placements: { userId: string; place: number }[];
};
export type ChoreFact = {
  completionId: string;
  choreId: string;
  title: string;
  memberId: string;
  points: number;
  markedAt: Date;
  approvedAt: Date;
  approvedSeq: number;
};
export type RewardFact = {
  challengeId: string;
  title: string;
  memberId: string;
  rewardXp: number;
  at: Date;
  seq: number;
};
export type ChallengeFact = {
  challengeId: string;
  title: string;
  week: string;
  metric: string;
  target: number;
  rewardXp: number;
  memberIds: string[];
  /** The log position of its cancellation; null while it runs. */
  cancelledSeq: number | null;
  /**
   * Progress counts from this moment on (within its week). Absent or null: the whole week,
   * from its Monday.
   */
  startsAt?: Date | null;
};

/**
 * A member's messages that count (not repeated, not deleted) since a challenge's start and
 * within its week, for the message challenges that have a start: day totals cannot split a
 * day at the moment a challenge began.
 */
export type ChallengeMessages = { challengeId: string; memberId: string; count: number; lastAt: Date };

export type PlayFacts = {
  timeZone: string;
  hiddenMemberIds: string[];
  members: { id: string; name: string }[];
  /** Per member and local day (family time zone). */
  messageDays: MessageDay[];
  /** When a member's n-th message that counts was sent, for the thresholds the rules name. */
  messageMilestones: { memberId: string; n: number; at: Date }[];
  media: MediaFact[];
  /** Settled and not voided, in log order. */
  matches: MatchFact[];
  /** Approved and not taken back. */
  chores: ChoreFact[];
  /** As the log has them; the engine counts only those that stand (see standingRewards). */
  rewards: RewardFact[];
  challenges: ChallengeFact[];
  challengeMessages: ChallengeMessages[];
};

export type GrantSource =
  | { kind: 'message'; day: string; seq: number }
  | { kind: 'event'; stream: 'play' | 'media'; seq: number; label: string }
  | { kind: 'streak'; day: string; run: number };

export type Grant = {
  memberId: string;
  ruleId: string;
  ruleVersion: number;
  xp: number;
  at: Date;
  day: string;
  source: GrantSource;
};

export type Achievement = { id: string; title: string; version: number; earnedAt: Date };
export type GameRating = {
  game: string;
  gameName: string;
  rating: number;
  games: number;
  provisional: boolean;
};
export type BoardRow = { memberId: string; name: string; rank: number; value: number };

export type MemberScore = {
  memberId: string;
  name: string;
  xp: number;
  weekXp: number;
  level: number;
  levelStartXp: number;
  nextLevelXp: number;
  /** When each level from 2 up was reached. */
  levelsReachedAt: Date[];
  achievements: Achievement[];
  metrics: Record<Metric, number>;
  streak: { current: number; longest: number };
  ratings: GameRating[];
  grants: Grant[];
};

export type ChallengeProgress = {
  challengeId: string;
  memberId: string;
  progress: number;
  target: number;
  /** What completing it earns (the reward command needs it). */
  rewardXp: number;
  completed: boolean;
};

export type Scores = {
  /** This week's Monday in the family time zone: the week the boards and progress count. */
  week: string;
  members: Map<string, MemberScore>;
  boards: { xpAllTime: BoardRow[]; xpWeek: BoardRow[]; elo: Record<string, BoardRow[]> };
  /** Rating change (hundredths) per match and player. */
  matchDeltas: Map<string, Map<string, number>>;
  challenges: ChallengeProgress[];
};

export const byTime = <T extends { at: Date }>(a: T, b: T) => a.at.getTime() - b.at.getTime();

/** Won outright: first place in a match that someone did not also win. */
export const won = (m: MatchFact, userId: string) => {
  const me = m.placements.find((p) => p.userId === userId);
  return !!me && me.place === 1 && m.placements.some((p) => p.place > 1);
};
