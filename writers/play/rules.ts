// The rule set: data an admin publishes as a whole, under optimistic concurrency on its version.
// Each rule keeps its own version, bumped only when its content changes, so a score can name
// the exact rule (id and version) it was computed under.
import { create } from '@bufbuild/protobuf';
import { commonErrors } from '../../contracts/errors.ts';
import {
  type PlayEvent,
  PlayEventSchema,
  RulesPublishedSchema,
} from '../../contracts/gen/hearth/play/v1/events_pb.ts';
import type { AchievementRule, EloRules, RuleSet, XpEvent, XpRule } from '../../contracts/play.schema.ts';
import type { AggregateType } from '../log/append.ts';
import { playErrors } from './errors.ts';
import { evolveRules, initialRules, NO_RETIRED_RULES, type PlayEventBody, type RulesState } from './state.ts';

export type RulesCommand = { type: 'publish'; rules: RuleSet; expectedVersion: number; by: string };

/** XP rules about these events award their own amount (the reward, the chore's points). */
const XP_OPTIONAL: readonly XpEvent[] = ['challenge_completed', 'chore_approved'];
export const DEFAULT_STREAK_MIN_DAYS = 2;

export function decideRules(command: RulesCommand, state: RulesState): PlayEventBody[] {
  const next = normalizeRules(command.rules);
  if (command.expectedVersion !== state.version) {
    const message = `The rules are at version ${state.version}, not ${command.expectedVersion}.`;
    throw commonErrors.conflict(message, { version: state.version });
  }
  const versioned = assignVersions(next, state);
  if (canonical(versioned) === canonical(state.rules)) return [];
  const value = create(RulesPublishedSchema, {
    version: state.version + 1,
    rulesJson: rulesJson(versioned),
    publishedBy: command.by,
  });
  return [{ case: 'rulesPublished', value }];
}

const invalid = (field: string, message: string) => playErrors.invalidRules(message, { field });
const present = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

/**
 * Checks what the JSON schema cannot, and brings the rules to one shape: a fixed key order,
 * no absent (undefined or null) optional keys, min_days set on streak rules. Versions are
 * dropped here: they are assigned on publishing.
 */
export function normalizeRules(rules: RuleSet): RuleSet {
  const xpIds = new Set<string>();
  const xp = rules.xp.map((rule, i): XpRule => {
    const at = `rules.xp.${i}`;
    if (xpIds.has(rule.id)) throw invalid(`${at}.id`, `Two XP rules have the id '${rule.id}'.`);
    xpIds.add(rule.id);
    if (!present(rule.xp) && !XP_OPTIONAL.includes(rule.on)) {
      throw invalid(`${at}.xp`, `The XP rule '${rule.id}' needs an amount of xp.`);
    }
    const streak = rule.on === 'streak_day';
    if (present(rule.min_days) && !streak) {
      throw invalid(`${at}.min_days`, `Only a streak_day rule takes min_days ('${rule.id}').`);
    }
    return {
      id: rule.id,
      on: rule.on,
      ...(present(rule.xp) ? { xp: rule.xp } : {}),
      ...(present(rule.daily_cap) ? { daily_cap: rule.daily_cap } : {}),
      ...(streak ? { min_days: rule.min_days ?? DEFAULT_STREAK_MIN_DAYS } : {}),
    };
  });
  const achievementIds = new Set<string>();
  const achievements = rules.achievements.map((rule, i): AchievementRule => {
    if (achievementIds.has(rule.id)) {
      throw invalid(`rules.achievements.${i}.id`, `Two achievements have the id '${rule.id}'.`);
    }
    achievementIds.add(rule.id);
    return {
      id: rule.id,
      title: rule.title,
      ...(present(rule.description) ? { description: rule.description } : {}),
      metric: rule.metric,
      threshold: rule.threshold,
    };
  });
  const { elo } = rules;
  if (elo.k_provisional < elo.k_established) {
    throw invalid('rules.elo.k_provisional', 'k_provisional must be at least k_established.');
  }
  return {
    xp,
    achievements,
    elo: {
      initial: elo.initial,
      k_provisional: elo.k_provisional,
      k_established: elo.k_established,
      provisional_games: elo.provisional_games,
    },
  };
}

/**
 * Each rule (and the Elo settings) keeps its previous version when its content is unchanged,
 * takes the previous version + 1 when it changed, and 1 when it is new. A rule put back after
 * a publish removed it counts from its retired definition. The version goes second in every
 * rule, so the published JSON has a stable key order.
 */
export function assignVersions(next: RuleSet, previous: Pick<RulesState, 'rules' | 'retired'>): RuleSet {
  const bump = <T extends { version?: number }>(rule: T, before: T | undefined): number => {
    if (!before) return 1;
    const was = before.version ?? 1;
    return sameContent(rule, before) ? was : was + 1;
  };
  const withVersion = <T extends { id: string; version?: number }>(rule: T, version: number): T => {
    const { id, version: _, ...rest } = rule;
    return { id, version, ...rest } as T;
  };
  const { rules, retired = NO_RETIRED_RULES } = previous;
  const xpBefore = new Map([...Object.entries(retired.xp), ...rules.xp.map((r) => [r.id, r] as const)]);
  const achievementsBefore = new Map([
    ...Object.entries(retired.achievements),
    ...rules.achievements.map((r) => [r.id, r] as const),
  ]);
  const { version: _, ...elo } = next.elo;
  return {
    xp: next.xp.map((r) => withVersion(r, bump(r, xpBefore.get(r.id)))),
    achievements: next.achievements.map((r) => withVersion(r, bump(r, achievementsBefore.get(r.id)))),
    elo: { version: bump(next.elo, rules.elo), ...elo } as EloRules,
  };
}

/** Same content: equal once the version is left out, whatever the key order. */
function sameContent(a: { version?: number }, b: { version?: number }): boolean {
  const { version: _a, ...x } = a;
  const { version: _b, ...y } = b;
  return canonical(x) === canonical(y);
}

/** JSON with every object's keys sorted and absent (undefined or null) values left out. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export function rulesJson(rules: RuleSet): string {
  return JSON.stringify(rules);
}

export const rulesAggregate: AggregateType<RulesState, RulesCommand, PlayEvent> = {
  domain: 'play',
  envelope: PlayEventSchema,
  subject: (names) => names.play.rules(),
  decider: { initialState: initialRules, evolve: evolveRules, decide: decideRules },
  concurrency: 'optimistic',
  // The rules in force must outlive the log's retention.
  snapshot: true,
};
