import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { deciderSpec } from '../../test/decider.ts';
import { ev } from './events.fixture.ts';
import { type RulesCommand, rulesAggregate } from './rules.ts';
import type { PlayEventBody } from './state.ts';

const { decider } = rulesAggregate;
const spec = deciderSpec(decider);
const clone = (rules: RuleSet): RuleSet => structuredClone(rules);
/** The defaults as an admin would send them back: without versions. */
const unversioned = (): RuleSet => {
  const { xp, achievements, elo } = clone(DEFAULT_RULES);
  const drop = <T extends { version?: number }>({ version: _, ...rest }: T) => rest as T;
  return { xp: xp.map(drop), achievements: achievements.map(drop), elo: drop(elo) };
};
const publish = (rules: RuleSet, expectedVersion = 1): RulesCommand => ({
  type: 'publish',
  rules,
  expectedVersion,
  by: 'admin',
});
/** Decides on the state the events give and answers the published rule set, parsed. */
const published = (given: PlayEventBody[], command: RulesCommand) => {
  const events = decider.decide(command, given.reduce(decider.evolve, decider.initialState));
  expect(events).toHaveLength(1);
  const event = events[0] as Extract<PlayEventBody, { case: 'rulesPublished' }>;
  return { version: event.value.version, rules: JSON.parse(event.value.rulesJson) as RuleSet };
};

describe('the rules in force', () => {
  it('are the defaults, as version 1, until something is published', () => {
    expect(decider.initialState).toEqual({
      version: 1,
      rules: DEFAULT_RULES,
      retired: { xp: {}, achievements: {} },
    });
  });

  it('are the last published set', () => {
    const rules = { ...clone(DEFAULT_RULES), xp: [] };
    const state = [ev.rulesPublished(2, rules)].reduce(decider.evolve, decider.initialState);
    expect(state).toMatchObject({ version: 2, rules });
  });
});

describe('publishing rules', () => {
  it('publishes version 2 with a stable key order and the changed rule bumped', () => {
    const rules = unversioned();
    rules.xp[0] = { daily_cap: 60, xp: 2, on: 'message_posted', id: 'message' };
    const expected = clone(DEFAULT_RULES);
    expected.xp[0] = { id: 'message', version: 2, on: 'message_posted', xp: 2, daily_cap: 60 };
    spec
      .given([])
      .when(publish(rules))
      .thenEmits([ev.rulesPublished(2, expected)]);
  });

  it('keeps the version of unchanged rules, bumps changed ones and starts new ones at 1', () => {
    const v2 = clone(DEFAULT_RULES);
    v2.achievements[0] = { ...(v2.achievements[0] as RuleSet['achievements'][number]), version: 3 };
    const rules = unversioned();
    rules.achievements[0] = { id: 'first-message', title: 'Hello!', metric: 'messages_sent', threshold: 1 };
    rules.achievements.push({ id: 'ten-wins', title: 'Ten wins', metric: 'matches_won', threshold: 10 });
    rules.elo.k_established = 16;
    const out = published([ev.rulesPublished(2, v2)], publish(rules, 2));
    expect(out.version).toBe(3);
    expect(out.rules.achievements.map((a) => [a.id, a.version])).toEqual([
      ['first-message', 4],
      ['hundred-messages', 1],
      ['first-photo', 1],
      ['week-streak', 1],
      ['five-wins', 1],
      ['first-challenge', 1],
      ['first-chore', 1],
      ['level-5', 1],
      ['ten-wins', 1],
    ]);
    expect(out.rules.xp.every((r) => r.version === 1)).toBe(true);
    expect(out.rules.elo).toEqual({
      version: 2,
      initial: 1200,
      k_provisional: 40,
      k_established: 16,
      provisional_games: 30,
    });
  });

  it('ignores the versions a client sends', () => {
    const rules = clone(DEFAULT_RULES);
    rules.xp[1] = { id: 'photo', version: 99, on: 'photo_shared', xp: 6, daily_cap: 50 };
    const out = published([], publish(rules));
    expect(out.rules.xp[1]?.version).toBe(2);
  });

  it('leaves out absent optional keys and sets min_days on streak rules', () => {
    const rules = unversioned();
    rules.xp = [
      { id: 'streak', on: 'streak_day', xp: 5 },
      { id: 'chore', on: 'chore_approved', daily_cap: null as unknown as undefined },
    ];
    rules.achievements = [{ id: 'a', title: 'A', metric: 'level', threshold: 2, description: undefined }];
    const out = published([], publish(rules));
    expect(out.rules.xp).toEqual([
      { id: 'streak', version: 1, on: 'streak_day', xp: 5, min_days: 2 },
      { id: 'chore', version: 1, on: 'chore_approved' },
    ]);
    expect(out.rules.achievements).toEqual([
      { id: 'a', version: 1, title: 'A', metric: 'level', threshold: 2 },
    ]);
  });

  it('publishes nothing when nothing changed', () => {
    spec.given([]).when(publish(unversioned())).thenNothing();
    spec
      .given([])
      .when(publish(clone(DEFAULT_RULES)))
      .thenNothing();
    const v2 = { ...clone(DEFAULT_RULES), xp: [] };
    spec
      .given([ev.rulesPublished(2, v2)])
      .when(publish({ ...unversioned(), xp: [] }, 2))
      .thenNothing();
  });

  it('counts a removed rule as a change', () => {
    const out = published([], publish({ ...unversioned(), xp: unversioned().xp.slice(1) }));
    expect(out.version).toBe(2);
    expect(out.rules.xp.map((r) => r.id)).not.toContain('message');
  });

  it('continues the versions of a rule put back after it was removed', () => {
    const message = unversioned().xp[0] as RuleSet['xp'][number];
    // message at 1, then changed (2), removed, put back unchanged, put back changed.
    const v2 = published([], publish({ ...unversioned(), xp: [{ ...message, xp: 3 }] }));
    expect(v2.rules.xp).toEqual([{ ...message, version: 2, xp: 3 }]);
    const history = [ev.rulesPublished(2, v2.rules)];
    const v3 = published(history, publish({ ...unversioned(), xp: [] }, 2));
    history.push(ev.rulesPublished(3, v3.rules));
    const same = published(history, publish({ ...unversioned(), xp: [{ ...message, xp: 3 }] }, 3));
    expect(same.rules.xp).toEqual([{ ...message, version: 2, xp: 3 }]);
    const changed = published(history, publish({ ...unversioned(), xp: [{ ...message, xp: 4 }] }, 3));
    expect(changed.rules.xp).toEqual([{ ...message, version: 3, xp: 4 }]);
    // Also across a snapshot taken before retired rules were kept: those count as new.
    const { retired: _, ...old } = history.reduce(decider.evolve, decider.initialState);
    expect(decider.decide(publish({ ...unversioned(), xp: [message] }, 3), old)).toHaveLength(1);
  });

  it('refuses a stale expected version', () => {
    spec.given([]).when(publish(unversioned(), 2)).thenFails('conflict');
    spec
      .given([ev.rulesPublished(2, DEFAULT_RULES)])
      .when(publish(unversioned(), 1))
      .thenFails('conflict');
  });
});

describe('checking rules beyond the schema', () => {
  const fails = (change: (rules: RuleSet) => void, field: string) => {
    const rules = unversioned();
    change(rules);
    spec.given([]).when(publish(rules)).thenFails('play.invalid_rules');
    expect(() => decider.decide(publish(rules), decider.initialState)).toThrow(
      expect.objectContaining({ status: 400, details: { field } }),
    );
  };

  it('refuses duplicate rule ids within the XP rules and within the achievements', () => {
    fails((r) => r.xp.push({ id: 'photo', on: 'photo_shared', xp: 1 }), 'rules.xp.8.id');
    fails(
      (r) => r.achievements.push({ id: 'level-5', title: 'Again', metric: 'level', threshold: 5 }),
      'rules.achievements.8.id',
    );
  });

  it('allows one id in the XP rules and in the achievements', () => {
    const rules = unversioned();
    rules.achievements.push({ id: 'photo', title: 'Photo', metric: 'photos_shared', threshold: 10 });
    expect(published([], publish(rules)).version).toBe(2);
  });

  it('requires xp except for challenge and chore rules', () => {
    fails((r) => r.xp.push({ id: 'won', on: 'match_won' }), 'rules.xp.8.xp');
    const rules = unversioned();
    rules.xp.push({ id: 'chore-bonus', on: 'chore_approved', xp: 2 });
    expect(published([], publish(rules)).rules.xp[8]).toEqual({
      id: 'chore-bonus',
      version: 1,
      on: 'chore_approved',
      xp: 2,
    });
  });

  it('takes min_days only on streak rules', () => {
    fails((r) => r.xp.push({ id: 'm', on: 'message_posted', xp: 1, min_days: 3 }), 'rules.xp.8.min_days');
  });

  it('requires k_provisional to be at least k_established', () => {
    fails((r) => Object.assign(r.elo, { k_provisional: 10, k_established: 20 }), 'rules.elo.k_provisional');
    const rules = unversioned();
    Object.assign(rules.elo, { k_provisional: 20, k_established: 20 });
    expect(published([], publish(rules)).rules.elo.version).toBe(2);
  });
});
