// What play decisions read: one state per aggregate, folded from its own subject's events.
// Plain arrays, records and numbers only: states may be kept as JSON snapshots.
import { timestampMs } from '@bufbuild/protobuf/wkt';
import type { EventOf } from '../../contracts/events.ts';
import type { PlayEvent } from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import {
  type AchievementRule,
  DEFAULT_RULES,
  type Recurrence,
  type RuleSet,
  type XpRule,
} from '../../contracts/play.schema.ts';

export type PlayEventBody = EventOf<PlayEvent>;

/**
 * Version 1 is the defaults, in force until a rule set is published. `retired` keeps the last
 * definition of every rule a publish removed, so one put back continues its own versions: an
 * (id, version) pair always names one definition.
 */
export type RetiredRules = { xp: Record<string, XpRule>; achievements: Record<string, AchievementRule> };
/** `retired` is absent from snapshots taken before it was kept: read as none. */
export type RulesState = { version: number; rules: RuleSet; retired?: RetiredRules };
export const NO_RETIRED_RULES: RetiredRules = { xp: {}, achievements: {} };
export const initialRules: RulesState = { version: 1, rules: DEFAULT_RULES, retired: NO_RETIRED_RULES };

export function evolveRules(state: RulesState, event: PlayEventBody): RulesState {
  if (event.case !== 'rulesPublished') return state;
  const rules = JSON.parse(event.value.rulesJson) as RuleSet;
  const retired = state.retired ?? NO_RETIRED_RULES;
  const retire = <R extends { id: string }>(was: Record<string, R>, before: R[], now: R[]) => {
    const kept = new Set(now.map((r) => r.id));
    const out: Record<string, R> = {};
    for (const [id, rule] of Object.entries(was)) if (!kept.has(id)) out[id] = rule;
    for (const rule of before) if (!kept.has(rule.id)) out[rule.id] = rule;
    return out;
  };
  return {
    version: event.value.version,
    rules,
    retired: {
      xp: retire(retired.xp, state.rules.xp, rules.xp),
      achievements: retire(retired.achievements, state.rules.achievements, rules.achievements),
    },
  };
}

export type Settings = { timeZone: string; hiddenMemberIds: string[] };
export const initialSettings: Settings = { timeZone: 'UTC', hiddenMemberIds: [] };

export function evolveSettings(state: Settings, event: PlayEventBody): Settings {
  if (event.case !== 'settingsChanged') return state;
  return { timeZone: event.value.timeZone, hiddenMemberIds: [...event.value.hiddenMemberIds] };
}

export type MatchStatus = 'reported' | 'settled' | 'rejected' | 'voided';
export type Match =
  | { status: 'none' }
  | {
      status: MatchStatus;
      id: string;
      game: string;
      gameName: string;
      /** Best first, as reported. */
      players: string[];
      places: Record<string, number>;
      reporter: string;
      /** Players who confirmed, in order. */
      confirmations: string[];
      /** Milliseconds since the epoch: unconfirmed after this, the report counts for nothing. */
      expiresAt: number;
    };
export const initialMatch: Match = { status: 'none' };

export function evolveMatch(state: Match, event: PlayEventBody): Match {
  switch (event.case) {
    case 'matchReported': {
      const v = event.value;
      return {
        status: 'reported',
        id: v.matchId,
        game: v.game,
        gameName: v.gameName,
        players: v.placements.map((p) => p.userId),
        places: Object.fromEntries(v.placements.map((p) => [p.userId, p.place])),
        reporter: v.reportedBy,
        confirmations: [],
        expiresAt: v.expiresAt ? timestampMs(v.expiresAt) : Number.MAX_SAFE_INTEGER,
      };
    }
    case 'matchConfirmed': {
      if (state.status === 'none' || state.confirmations.includes(event.value.confirmedBy)) return state;
      return { ...state, confirmations: [...state.confirmations, event.value.confirmedBy] };
    }
    case 'matchSettled':
      return state.status === 'none' ? state : { ...state, status: 'settled' };
    case 'matchRejected':
      return state.status === 'none' ? state : { ...state, status: 'rejected' };
    case 'matchVoided':
      return state.status === 'none' ? state : { ...state, status: 'voided' };
    default:
      return state;
  }
}

export type Chore =
  | { status: 'none' }
  | { status: 'active' | 'retired'; id: string; title: string; points: number; recurrence: Recurrence };
export const initialChore: Chore = { status: 'none' };

export function isRecurrence(value: string): value is Recurrence {
  return value === 'once' || value === 'daily' || value === 'weekly';
}

export function evolveChore(state: Chore, event: PlayEventBody): Chore {
  switch (event.case) {
    case 'choreDefined': {
      const v = event.value;
      return {
        status: 'active',
        id: v.choreId,
        title: v.title,
        points: v.points,
        recurrence: isRecurrence(v.recurrence) ? v.recurrence : 'once',
      };
    }
    case 'choreRetired':
      return state.status === 'none' ? state : { ...state, status: 'retired' };
    default:
      return state;
  }
}

export type Completion =
  | { status: 'none' }
  | {
      status: 'pending' | 'approved' | 'rejected';
      choreId: string;
      completionId: string;
      memberId: string;
      period: string;
      points: number;
    };
export const initialCompletion: Completion = { status: 'none' };

export function evolveCompletion(state: Completion, event: PlayEventBody): Completion {
  switch (event.case) {
    case 'choreMarkedDone': {
      const v = event.value;
      return {
        status: 'pending',
        choreId: v.choreId,
        completionId: v.completionId,
        memberId: v.memberId,
        period: v.period,
        points: v.points,
      };
    }
    case 'choreApproved':
      return state.status === 'none' ? state : { ...state, status: 'approved' };
    case 'choreRejected':
      return state.status === 'none' ? state : { ...state, status: 'rejected' };
    default:
      return state;
  }
}

export type Challenge =
  | { status: 'none' }
  | {
      status: 'active' | 'cancelled';
      id: string;
      title: string;
      /** Its Monday, YYYY-MM-DD in the family time zone. */
      week: string;
      metric: string;
      target: number;
      rewardXp: number;
      /** Empty: every member takes part. */
      memberIds: string[];
      createdBy: string;
    };
export const initialChallenge: Challenge = { status: 'none' };

export function evolveChallenge(state: Challenge, event: PlayEventBody): Challenge {
  switch (event.case) {
    case 'challengeCreated': {
      const v = event.value;
      return {
        status: 'active',
        id: v.challengeId,
        title: v.title,
        week: v.week,
        metric: v.metric,
        target: v.target,
        rewardXp: v.rewardXp,
        memberIds: [...v.memberIds],
        createdBy: v.createdBy,
      };
    }
    case 'challengeCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    default:
      return state;
  }
}

export type Reward = { status: 'none' } | { status: 'completed'; rewardXp: number };
export const initialReward: Reward = { status: 'none' };

export function evolveReward(state: Reward, event: PlayEventBody): Reward {
  if (event.case !== 'challengeCompleted') return state;
  return { status: 'completed', rewardXp: event.value.rewardXp };
}
