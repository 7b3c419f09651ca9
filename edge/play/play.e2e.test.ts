// Play end to end over HTTP on real NATS and Postgres: matches and Elo, chores with approval
// and take-back, challenges rewarded exactly once (by the play_rewards reactors, for play
// events and for chat messages), the XP explanation, and a rule change whose preview equals
// the state after the switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type RuleSet } from '../../contracts/play.schema.ts';
import { eventually, startTestHub, type TestClient, type TestHub } from '../../test/hub.ts';

let t: TestHub;
let admin: TestClient;
let bob: TestClient;
let cy: TestClient;
const ids = { admin: '', bob: '', cy: '' };

type Json = Record<string, unknown> & { seq?: number };

async function ok(res: Response | Promise<Response>, status = [200, 201]): Promise<Json> {
  const r = await res;
  const body = (await r.json()) as Json;
  if (!status.includes(r.status)) throw new Error(`${r.status}: ${JSON.stringify(body)}`);
  return body;
}
const get = (who: TestClient, path: string, after?: number) =>
  ok(who.request(`/api/v1${path}${after ? `${path.includes('?') ? '&' : '?'}after=${after}` : ''}`));
const post = (who: TestClient, path: string, body?: unknown) =>
  ok(who.request(`/api/v1${path}`, { body: body ?? {} }));

type Profile = {
  xp: number;
  level: number;
  week_xp: number;
  rank: number | null;
  achievements: { id: string }[];
  ratings: { game: string; rating: number; games: number; provisional: boolean }[];
};
const profile = async (who: TestClient, after?: number) =>
  (await get(who, '/play/me', after)) as unknown as Profile;
/** A one-member challenge: that member's progress on it, as the week's list shows it. */
const progress = async (who: TestClient, challengeId: unknown) => {
  const week = (await get(who, '/play/challenges')) as {
    challenges: { id: string; progress: { user_id: string; completed: boolean }[] }[];
  };
  return week.challenges.find((c) => c.id === challengeId)?.progress[0];
};
const challengeFor = (
  memberId: string,
  title: string,
  metric: string,
  rewardXp: number,
  extra: { from_week_start?: boolean } = {},
) =>
  post(admin, '/play/challenges', {
    title,
    metric,
    target: 1,
    reward_xp: rewardXp,
    member_ids: [memberId],
    ...extra,
  });

beforeAll(async () => {
  t = await startTestHub();
  admin = t.client();
  await admin.signUp({ email: 'ann@family.test', name: 'Ann' });
  bob = t.client();
  await bob.signUp({ email: 'bob@family.test', name: 'Bob' });
  cy = t.client();
  await cy.signUp({ email: 'cy@family.test', name: 'Cy' });
  ids.admin = (await admin.me()).id;
  ids.bob = (await bob.me()).id;
  ids.cy = (await cy.me()).id;
  await ok(admin.request(`/api/v1/admin/users/${ids.cy}/role`, { body: { role: 'child' } }));
  // Everyone is in the users read model before play reads names from it.
  await eventually(async () => {
    const people = (await (await admin.request('/api/v1/people')).json()) as unknown[];
    return people.length === 3 ? true : undefined;
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('matches', () => {
  it('count once the opponent confirms, rate both players, and show them provisional', async () => {
    const report = await post(bob, '/play/matches', {
      game: 'Chess',
      placements: [
        { user_id: ids.bob, place: 1 },
        { user_id: ids.cy, place: 2 },
      ],
    });
    const pending = (await get(bob, '/play/matches', report.seq)) as unknown as {
      id: string;
      status: string;
    }[];
    expect(pending.find((m) => m.id === report.id)?.status).toBe('reported');
    expect((await profile(bob)).ratings).toEqual([]);

    const confirmed = await post(cy, `/play/matches/${report.id}/confirm`);
    const bobNow = await profile(bob, confirmed.seq);
    expect(bobNow.ratings).toEqual([
      { game: 'chess', game_name: 'Chess', rating: 1220, games: 1, provisional: true },
    ]);
    expect((await profile(cy)).ratings[0]?.rating).toBe(1180);
    const boards = (await get(cy, '/play/leaderboards')) as {
      elo: Record<string, { user_id: string; rank: number }[]>;
    };
    expect(boards.elo.chess?.map((r) => [r.user_id, r.rank])).toEqual([
      [ids.bob, 1],
      [ids.cy, 2],
    ]);
  });

  it('refuses a confirmation from someone who did not play, and lets an admin void a match', async () => {
    const report = await post(cy, '/play/matches', {
      game: 'Chess',
      placements: [
        { user_id: ids.cy, place: 1 },
        { user_id: ids.bob, place: 2 },
      ],
    });
    const outsider = await admin.request(`/api/v1/play/matches/${report.id}/reject`, { body: {} });
    expect(outsider.status).toBe(201); // an admin may reject any report
    const again = await bob.request(`/api/v1/play/matches/${report.id}/confirm`, { body: {} });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'play.match_closed' });

    const second = await post(cy, '/play/matches', {
      game: 'Chess',
      placements: [
        { user_id: ids.cy, place: 1 },
        { user_id: ids.bob, place: 2 },
      ],
    });
    const settled = await post(bob, `/play/matches/${second.id}/confirm`);
    // 1180 beats 1220: D = 40, PD 0.44 → +22.4.
    expect((await profile(cy, settled.seq)).ratings[0]?.rating).toBe(1202);
    const voided = await post(admin, `/play/matches/${second.id}/void`, { reason: 'wrong game' });
    expect((await profile(cy, voided.seq)).ratings[0]?.rating).toBe(1180);
    expect((await profile(bob)).ratings[0]?.rating).toBe(1220);
  });
});

describe('chores', () => {
  it('count only once approved, and taking an approval back reverses its XP and its challenge reward', async () => {
    const challenge = await challengeFor(ids.cy, 'One chore', 'chores_approved', 30);
    const chore = await post(admin, '/play/chores', {
      title: 'Feed the cat',
      points: 40,
      recurrence: 'daily',
    });
    const before = await profile(cy, chore.seq);
    const done = await post(cy, `/play/chores/${chore.id}/done`, { note: 'all done', photo_id: null });
    expect((await profile(cy, done.seq)).xp).toBe(before.xp);

    // A child cannot approve it, not even their own.
    const self = await cy.request(`/api/v1/play/chores/${chore.id}/completions/${done.id}/approve`, {
      body: {},
    });
    expect(self.status).toBe(403);

    // An approval meant for someone else's completion is refused.
    const stale = await admin.request(`/api/v1/play/chores/${chore.id}/completions/${done.id}/approve`, {
      body: { member_id: ids.bob },
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'play.completion_changed' });
    const approved = await post(admin, `/play/chores/${chore.id}/completions/${done.id}/approve`, {
      member_id: ids.cy,
    });
    await get(cy, '/play/challenges', approved.seq);
    await t.hub.play.live.tick();
    await eventually(async () => ((await progress(cy, challenge.id))?.completed ? true : undefined));
    const after = await profile(cy);
    expect(after.xp - before.xp).toBeGreaterThanOrEqual(40 + 30);
    expect(after.achievements.map((a) => a.id)).toContain('first-chore');
    const board = (await get(cy, '/play/chores')) as {
      chores: { id: string; current: { status: string } | null }[];
    };
    expect(board.chores.find((x) => x.id === chore.id)?.current).toMatchObject({ status: 'approved' });
    const forBob = (await get(bob, '/play/chores')) as typeof board;
    expect(forBob.chores.find((x) => x.id === chore.id)?.current).toBeNull();

    const rejected = await post(admin, `/play/chores/${chore.id}/completions/${done.id}/reject`, {
      reason: 'the cat says otherwise',
    });
    const reverted = await profile(cy, rejected.seq);
    expect(reverted.xp).toBe(before.xp);
    expect(reverted.achievements.map((a) => a.id)).not.toContain('first-chore');
    expect(reverted.achievements.map((a) => a.id)).not.toContain('first-challenge');
    expect(await progress(cy, challenge.id)).toMatchObject({ completed: false });
  });
});

describe('weekly challenges', () => {
  it('reward a member exactly once, whatever the live loop does again', async () => {
    // The match Bob played earlier this week counts: the admin chose the whole week.
    const challenge = await challengeFor(ids.bob, 'Play a match', 'matches_played', 70, {
      from_week_start: true,
    });
    const week = (await get(bob, '/play/challenges', challenge.seq)) as {
      challenges: { id: string; starts_at: string | null }[];
    };
    expect(week.challenges.find((c) => c.id === challenge.id)?.starts_at).toBeNull();
    for (let i = 0; i < 3; i++) await t.hub.play.live.tick();
    const listed = await eventually(async () => {
      const mine = await progress(bob, challenge.id);
      return mine?.completed ? mine : undefined;
    });
    expect(listed.user_id).toBe(ids.bob);
    for (let i = 0; i < 3; i++) await t.hub.play.live.tick();
    const xp = (await get(bob, `/play/members/${ids.bob}/xp`)) as {
      grants: { rule_id: string; xp: number; source: { label?: string } }[];
    };
    expect(xp.grants.filter((g) => g.rule_id === 'challenge')).toEqual([
      expect.objectContaining({
        xp: 70,
        source: expect.objectContaining({ label: 'challenge: Play a match' }),
      }),
    ]);
  });
});

describe('a message count challenge', () => {
  it('is rewarded once the messages that complete it are counted, with nothing else happening in play', async () => {
    // Created without a choice, it counts from its start: the message that follows.
    const challenge = await challengeFor(ids.cy, 'Say something', 'messages_sent', 15);
    const week = (await get(cy, '/play/challenges', challenge.seq)) as {
      challenges: { id: string; starts_at: string | null }[];
    };
    expect(week.challenges.find((c) => c.id === challenge.id)?.starts_at).toEqual(expect.any(String));
    expect(await progress(cy, challenge.id)).toMatchObject({ completed: false });
    await post(cy, '/messages', { channel: 'family', content: 'hello, family' });
    const listed = await eventually(async () => {
      const mine = await progress(cy, challenge.id);
      return mine?.completed ? mine : undefined;
    });
    expect(listed.user_id).toBe(ids.cy);
    const xp = (await get(cy, `/play/members/${ids.cy}/xp`)) as {
      grants: { rule_id: string; xp: number; source: { label?: string } }[];
    };
    expect(xp.grants.filter((g) => g.source.label === 'challenge: Say something')).toEqual([
      expect.objectContaining({ rule_id: 'challenge', xp: 15 }),
    ]);
  });
});

describe('the XP explanation', () => {
  it('lists the contributing events, each with its rule and version', async () => {
    const body = (await get(bob, `/play/members/${ids.bob}/xp`)) as {
      xp: number;
      grants: { rule_id: string; rule_version: number; xp: number; source: { kind: string; seq?: number } }[];
    };
    expect(body.grants.length).toBeGreaterThan(0);
    expect(body.grants.reduce((n, g) => n + g.xp, 0)).toBe(body.xp);
    for (const g of body.grants) {
      expect(g.rule_version).toBeGreaterThanOrEqual(1);
      if (g.source.kind === 'event') expect(g.source.seq).toBeGreaterThan(0);
    }
  });
});

describe('changing the rules', () => {
  it('previews every member before → after, and the switch lands exactly there', async () => {
    const draft: RuleSet = {
      ...DEFAULT_RULES,
      xp: DEFAULT_RULES.xp.map((r) => (r.id === 'match-played' ? { ...r, xp: 100 } : r)),
      elo: { ...DEFAULT_RULES.elo, k_provisional: 32 },
    };
    const preview = (await post(admin, '/play/rules/preview', { rules: draft })) as {
      based_on_version: number;
      members: {
        user_id: string;
        xp: [number, number];
        level: [number, number];
        ratings: { rating: [number, number] }[];
      }[];
    };
    const bobDiff = preview.members.find((m) => m.user_id === ids.bob);
    expect(bobDiff?.xp[1]).toBeGreaterThan(bobDiff?.xp[0] ?? 0);
    expect(bobDiff?.ratings[0]?.rating).toEqual([1220, 1216]);
    // Nothing switched yet.
    expect((await profile(bob)).xp).toBe(bobDiff?.xp[0]);

    const stale = await admin.request('/api/v1/play/rules', {
      method: 'PUT',
      body: { expected_version: 0, rules: draft },
    });
    expect(stale.status).toBe(409);
    const published = await ok(
      admin.request('/api/v1/play/rules', {
        method: 'PUT',
        body: { expected_version: preview.based_on_version, rules: draft },
      }),
    );
    expect(published.version).toBe(preview.based_on_version + 1);
    for (const m of preview.members) {
      const now = (await get(admin, `/play/members/${m.user_id}`, published.seq)) as unknown as Profile;
      expect([now.xp, now.level]).toEqual([m.xp[1], m.level[1]]);
      expect(now.ratings.map((r) => r.rating)).toEqual(m.ratings.map((r) => r.rating[1]));
    }
    const rules = (await get(bob, '/play/rules')) as { version: number; rules: RuleSet };
    expect(rules.rules.xp.find((r) => r.id === 'match-played')).toMatchObject({ xp: 100, version: 2 });
    expect(rules.rules.xp.find((r) => r.id === 'message')).toMatchObject({ version: 1 });
  });

  it('refuses a rule set that names a rule twice, with the field', async () => {
    const res = await admin.request('/api/v1/play/rules/preview', {
      body: {
        rules: {
          ...DEFAULT_RULES,
          xp: [...DEFAULT_RULES.xp, { id: 'message', on: 'message_posted', xp: 2 }],
        },
      },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'play.invalid_rules',
      details: { field: 'rules.xp.8.id' },
    });
  });
});

describe('settings', () => {
  it('hide a member from the boards but not from their own profile', async () => {
    const changed = await ok(
      admin.request('/api/v1/play/settings', { method: 'PUT', body: { hidden_member_ids: [ids.cy] } }),
    );
    const boards = (await get(bob, '/play/leaderboards', changed.seq)) as {
      xp_all_time: { user_id: string }[];
      elo: Record<string, { user_id: string }[]>;
    };
    expect(boards.xp_all_time.map((r) => r.user_id)).not.toContain(ids.cy);
    expect(boards.elo.chess?.map((r) => r.user_id)).toEqual([ids.bob]);
    expect((await profile(cy)).ratings).toHaveLength(1);
    const bad = await admin.request('/api/v1/play/settings', {
      method: 'PUT',
      body: { time_zone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'play.invalid_time_zone' });
    // A null is a field left out: nothing changes, and nobody is quietly unhidden.
    const nulls = await ok(
      admin.request('/api/v1/play/settings', {
        method: 'PUT',
        body: { time_zone: null, hidden_member_ids: null },
      }),
    );
    const still = (await get(bob, '/play/leaderboards', nulls.seq)) as typeof boards;
    expect(still.xp_all_time.map((r) => r.user_id)).not.toContain(ids.cy);
    const settings = (await get(admin, '/play/settings')) as {
      time_zone: string;
      hidden_member_ids: string[];
    };
    expect(settings).toMatchObject({ time_zone: 'UTC', hidden_member_ids: [ids.cy] });
  });
});
