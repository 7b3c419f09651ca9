// The play API under /api/v1/play: profiles and the XP explanation, leaderboards, matches,
// weekly challenges, chores, and the rules with their before → after preview. Commands go to
// the play writer; every score read is computed from the read models by the engine.
import { type Context, Hono } from 'hono';
import { sql } from 'kysely';
import { commonErrors } from '../contracts/errors.ts';
import {
  createChallengeBody,
  defineChoreBody,
  markDoneBody,
  playQuery,
  previewRulesBody,
  publishRulesBody,
  type Recurrence,
  reasonBody,
  reportMatchBody,
  settingsBody,
} from '../contracts/play.schema.ts';
import { currentSettings, earningMessages } from '../projectors/play/facts.ts';
import { PLAY } from '../projectors/play/projection.ts';
import { localDay, mondayOf } from '../projectors/play/score/days.ts';
import type { MemberScore, Scores } from '../projectors/play/score/engine.ts';
import { findUser } from '../projectors/users/queries.ts';
import type { PlayWriter } from '../writers/play/commands.ts';
import { newId } from '../writers/play/ids.ts';
import { completionIdFor, periodOf } from '../writers/play/period.ts';
import { assignVersions, normalizeRules } from '../writers/play/rules.ts';
import type { HubDeps } from './deps.ts';
import { commandMeta } from './http/command.ts';
import type { HubEnv } from './http/context.ts';
import { PLAY_PERMISSIONS } from './http/permissions.ts';
import { readAfter } from './http/read-after.ts';
import { requirePermission } from './http/session.ts';
import { jsonBody, queryParams } from './http/validate.ts';
import type { PlayService } from './play/service.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function playRoutes({
  deps,
  writer,
  service,
}: {
  deps: HubDeps;
  writer: PlayWriter;
  service: PlayService;
}): Hono<HubEnv> {
  const { auth, db, projectors } = deps;
  const app = new Hono<HubEnv>();
  const read = requirePermission(auth, PLAY_PERMISSIONS.read);
  const play = requirePermission(auth, PLAY_PERMISSIONS.play);
  const manage = requirePermission(auth, PLAY_PERMISSIONS.manage);
  const after = readAfter(projectors, PLAY);
  const me = (c: Context<HubEnv>) => c.get('user').id;
  const canManage = (c: Context<HubEnv>) => auth.can(c.get('user').role, PLAY_PERMISSIONS.manage);
  const param = (c: Context<HubEnv>, name: string) => {
    const value = c.req.param(name) ?? '';
    if (!ID.test(value)) throw commonErrors.notFound(`No such ${name.replace('_id', '')}.`, { field: name });
    return value;
  };
  const accepted = (
    c: Context<HubEnv>,
    result: { seq: number; appended: number; duplicate: boolean },
    extra = {},
  ) => c.json({ seq: result.seq, ...extra }, result.appended > 0 && !result.duplicate ? 201 : 200);

  async function existingUser(userId: string, field: string) {
    const user = await findUser(db, userId);
    if (!user) throw commonErrors.notFound(`No such person: ${userId}.`, { field });
    return user;
  }

  // ---- profiles, XP, boards ----

  app.get('/play/me', read, queryParams(playQuery), after, async (c) => c.json(await profile(me(c))));

  app.get('/play/members/:user_id', read, queryParams(playQuery), after, async (c) => {
    const id = param(c, 'user_id');
    await existingUser(id, 'user_id');
    return c.json(await profile(id));
  });

  async function profile(userId: string) {
    const { scores, rules } = await service.current();
    const m = scores.members.get(userId) ?? emptyScore(userId);
    return {
      ...memberView(m, scores),
      rules_version: rules.version,
      achievements_available: rules.rules.achievements.map((a) => ({
        id: a.id,
        title: a.title,
        description: a.description ?? null,
        metric: a.metric,
        threshold: a.threshold,
        progress: Math.min(a.threshold, m.metrics[a.metric]),
        earned_at: m.achievements.find((x) => x.id === a.id)?.earnedAt.toISOString() ?? null,
      })),
    };
  }

  app.get('/play/members/:user_id/xp', read, queryParams(playQuery), after, async (c) => {
    const id = param(c, 'user_id');
    await existingUser(id, 'user_id');
    const { scores, rules } = await service.current();
    const m = scores.members.get(id) ?? emptyScore(id);
    const messageRule = rules.rules.xp.find((r) => r.on === 'message_posted' && r.xp);
    const perDay = messageRule?.xp ? Math.ceil((messageRule.daily_cap ?? 1_000_000) / messageRule.xp) : 0;
    const { timeZone } = await currentSettings(db);
    const seqs = perDay > 0 ? await earningMessages(db, { memberId: id, timeZone, perDay }) : new Map();
    return c.json({
      user_id: id,
      xp: m.xp,
      level: m.level,
      rules_version: rules.version,
      grants: m.grants.map((g) => ({
        rule_id: g.ruleId,
        rule_version: g.ruleVersion,
        xp: g.xp,
        at: g.at.toISOString(),
        day: g.day,
        source:
          g.source.kind === 'messages'
            ? {
                ...g.source,
                // The chat events that earned it (the first ones of the day that count).
                stream: 'chat',
                seqs: (seqs.get(g.source.day) ?? []).slice(0, Math.ceil(g.xp / (messageRule?.xp ?? 1))),
              }
            : g.source,
      })),
    });
  });

  app.get('/play/leaderboards', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await service.current();
    const row = (r: Scores['boards']['xpAllTime'][number]) => ({
      user_id: r.memberId,
      name: r.name,
      rank: r.rank,
      value: r.value,
    });
    const elo = Object.fromEntries(
      Object.entries(scores.boards.elo).map(([game, rows]) => [
        game,
        rows.map((r) => {
          const rating = scores.members.get(r.memberId)?.ratings.find((x) => x.game === game);
          return { ...row(r), games: rating?.games ?? 0, provisional: rating?.provisional ?? true };
        }),
      ]),
    );
    return c.json({
      week: scores.week,
      xp_week: scores.boards.xpWeek.map(row),
      xp_all_time: scores.boards.xpAllTime.map(row),
      elo,
      games: Object.fromEntries(
        [...scores.members.values()].flatMap((m) => m.ratings.map((r) => [r.game, r.gameName])),
      ),
    });
  });

  // ---- matches ----

  app.get('/play/matches', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await service.current();
    const rows = (
      await sql<{
        match_id: string;
        game: string;
        game_name: string;
        placements: { user_id: string; place: number }[];
        confirmed_by: string[];
        reported_by: string;
        reported_at: Date;
        expires_at: Date;
        status: string;
        settled_at: Date | null;
        settled_by_admin: string | null;
        closed_by: string | null;
        reason: string | null;
        seq: string;
      }>`SELECT * FROM play.matches ORDER BY reported_at DESC, match_id LIMIT 200`.execute(db)
    ).rows;
    const now = Date.now();
    return c.json(
      rows.map((r) => {
        const expired = r.status === 'reported' && r.expires_at.getTime() < now;
        const deltas = scores.matchDeltas.get(r.match_id);
        return {
          id: r.match_id,
          game: r.game,
          game_name: r.game_name,
          status: expired ? 'expired' : r.status,
          placements: r.placements.map((p) => ({
            user_id: p.user_id,
            name: scores.members.get(p.user_id)?.name ?? p.user_id,
            place: p.place,
            confirmed: p.user_id === r.reported_by || r.confirmed_by.includes(p.user_id),
            rating_change: r.status === 'settled' && deltas ? (deltas.get(p.user_id) ?? 0) / 100 : null,
          })),
          reported_by: r.reported_by,
          reported_at: r.reported_at.toISOString(),
          expires_at: r.expires_at.toISOString(),
          settled_at: r.settled_at?.toISOString() ?? null,
          settled_by_admin: r.settled_by_admin,
          closed_by: r.closed_by,
          reason: r.reason,
          seq: Number(r.seq),
        };
      }),
    );
  });

  app.post('/play/matches', play, jsonBody(reportMatchBody), async (c) => {
    const body = c.req.valid('json');
    for (const p of body.placements) await existingUser(p.user_id, 'placements.user_id');
    const matchId = body.id ?? newId();
    const result = await writer.reportMatch(
      {
        matchId,
        game: body.game,
        gameName: body.game,
        placements: body.placements.map((p) => ({ userId: p.user_id, place: p.place })),
        by: me(c),
        canManage: canManage(c),
      },
      commandMeta(c, body),
    );
    return accepted(c, result, { id: matchId });
  });

  app.post('/play/matches/:match_id/confirm', play, async (c) => {
    const matchId = param(c, 'match_id');
    const result = await writer.confirmMatch({ matchId, by: me(c), canManage: canManage(c) }, commandMeta(c));
    return accepted(c, result, { id: matchId });
  });

  app.post('/play/matches/:match_id/reject', play, async (c) => {
    const matchId = param(c, 'match_id');
    const result = await writer.rejectMatch({ matchId, by: me(c), canManage: canManage(c) }, commandMeta(c));
    return accepted(c, result, { id: matchId });
  });

  app.post('/play/matches/:match_id/void', manage, jsonBody(reasonBody), async (c) => {
    const matchId = param(c, 'match_id');
    const body = c.req.valid('json');
    const result = await writer.voidMatch(
      { matchId, by: me(c), canManage: true, reason: body.reason },
      commandMeta(c, body),
    );
    return accepted(c, result, { id: matchId });
  });

  // ---- weekly challenges ----

  app.get('/play/challenges', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await service.current();
    const { timeZone } = await currentSettings(db);
    const week = c.req.valid('query').week ?? mondayOf(localDay(new Date(), timeZone));
    const rows = (
      await sql<{
        challenge_id: string;
        title: string;
        week: string;
        metric: string;
        target: number;
        reward_xp: number;
        member_ids: string[];
        cancelled: boolean;
      }>`SELECT * FROM play.challenges WHERE week = ${week} AND NOT cancelled ORDER BY created_at, challenge_id`.execute(
        db,
      )
    ).rows;
    return c.json({
      week,
      challenges: rows.map((r) => ({
        id: r.challenge_id,
        title: r.title,
        week: r.week,
        metric: r.metric,
        target: r.target,
        reward_xp: r.reward_xp,
        member_ids: r.member_ids,
        progress: scores.challenges
          .filter((p) => p.challengeId === r.challenge_id)
          .map((p) => ({
            user_id: p.memberId,
            name: scores.members.get(p.memberId)?.name ?? p.memberId,
            progress: Math.min(p.progress, p.target),
            completed: p.completed,
          })),
      })),
    });
  });

  app.post('/play/challenges', manage, jsonBody(createChallengeBody), async (c) => {
    const body = c.req.valid('json');
    for (const id of body.member_ids ?? []) await existingUser(id, 'member_ids');
    const challengeId = body.id ?? newId();
    const result = await writer.createChallenge(
      {
        challengeId,
        title: body.title,
        week: body.week,
        metric: body.metric,
        target: body.target,
        rewardXp: body.reward_xp,
        memberIds: body.member_ids,
        by: me(c),
      },
      commandMeta(c, body),
    );
    return accepted(c, result, { id: challengeId, week: result.week });
  });

  app.post('/play/challenges/:challenge_id/cancel', manage, async (c) => {
    const challengeId = param(c, 'challenge_id');
    const result = await writer.cancelChallenge({ challengeId, by: me(c) }, commandMeta(c));
    return accepted(c, result, { id: challengeId });
  });

  // ---- chores ----

  app.get('/play/chores', read, queryParams(playQuery), after, async (c) => {
    const chores = (
      await sql<{ chore_id: string; title: string; points: number; recurrence: string }>`
        SELECT chore_id, title, points, recurrence FROM play.chores WHERE NOT retired ORDER BY title, chore_id`.execute(
        db,
      )
    ).rows;
    const completions = (
      await sql<{
        chore_id: string;
        completion_id: string;
        member_id: string;
        period: string;
        points: number;
        photo_id: string | null;
        note: string | null;
        status: string;
        marked_at: Date;
        decided_by: string | null;
        decided_at: Date | null;
        reason: string | null;
      }>`SELECT * FROM play.completions ORDER BY (status = 'pending') DESC, marked_at DESC LIMIT 200`.execute(
        db,
      )
    ).rows;
    // Where each chore stands for the asker this period (for a one-off chore: for the family).
    const { timeZone } = await currentSettings(db);
    const now = new Date();
    const currentIds = chores.map((r) => {
      const recurrence = r.recurrence as Recurrence;
      return completionIdFor(recurrence, periodOf(recurrence, now, timeZone), me(c));
    });
    const current = new Map(
      (
        await sql<{
          chore_id: string;
          completion_id: string;
          member_id: string;
          status: string;
          period: string;
        }>`
          SELECT c.chore_id, c.completion_id, c.member_id, c.status, c.period FROM play.completions c
          JOIN unnest(${chores.map((r) => r.chore_id)}::text[], ${currentIds}::text[]) AS k(chore_id, completion_id)
          USING (chore_id, completion_id)`.execute(db)
      ).rows.map((r) => [r.chore_id, r]),
    );
    return c.json({
      chores: chores.map((r) => {
        const mine = current.get(r.chore_id);
        return {
          id: r.chore_id,
          title: r.title,
          points: r.points,
          recurrence: r.recurrence,
          current: mine
            ? { id: mine.completion_id, user_id: mine.member_id, status: mine.status, period: mine.period }
            : null,
        };
      }),
      completions: completions.map((r) => ({
        chore_id: r.chore_id,
        id: r.completion_id,
        user_id: r.member_id,
        period: r.period,
        points: r.points,
        photo_id: r.photo_id,
        note: r.note,
        status: r.status,
        marked_at: r.marked_at.toISOString(),
        decided_by: r.decided_by,
        decided_at: r.decided_at?.toISOString() ?? null,
        reason: r.reason,
      })),
    });
  });

  app.post('/play/chores', manage, jsonBody(defineChoreBody), async (c) => {
    const body = c.req.valid('json');
    const choreId = body.id ?? newId();
    const result = await writer.defineChore(
      { choreId, title: body.title, points: body.points, recurrence: body.recurrence, by: me(c) },
      commandMeta(c, body),
    );
    return accepted(c, result, { id: choreId });
  });

  app.post('/play/chores/:chore_id/retire', manage, async (c) => {
    const choreId = param(c, 'chore_id');
    return accepted(c, await writer.retireChore({ choreId, by: me(c) }, commandMeta(c)), { id: choreId });
  });

  app.post('/play/chores/:chore_id/done', play, jsonBody(markDoneBody), async (c) => {
    const choreId = param(c, 'chore_id');
    const body = c.req.valid('json');
    const result = await writer.markChoreDone(
      { choreId, memberId: me(c), photoId: body.photo_id, note: body.note },
      commandMeta(c, body),
    );
    return accepted(c, result, { chore_id: choreId, id: result.completionId, period: result.period });
  });

  app.post('/play/chores/:chore_id/completions/:completion_id/approve', manage, async (c) => {
    const choreId = param(c, 'chore_id');
    const completionId = param(c, 'completion_id');
    const result = await writer.approveCompletion(
      { choreId, completionId, by: me(c), canManage: true },
      commandMeta(c),
    );
    return accepted(c, result, { chore_id: choreId, id: completionId });
  });

  app.post(
    '/play/chores/:chore_id/completions/:completion_id/reject',
    manage,
    jsonBody(reasonBody),
    async (c) => {
      const choreId = param(c, 'chore_id');
      const completionId = param(c, 'completion_id');
      const body = c.req.valid('json');
      const result = await writer.rejectCompletion(
        { choreId, completionId, by: me(c), canManage: true, reason: body.reason },
        commandMeta(c, body),
      );
      return accepted(c, result, { chore_id: choreId, id: completionId });
    },
  );

  // ---- rules and settings ----

  app.get('/play/rules', read, queryParams(playQuery), after, async (c) => {
    const { rules } = await service.current();
    return c.json({
      version: rules.version,
      rules: rules.rules,
      published_at: rules.publishedAt,
      published_by: rules.publishedBy,
    });
  });

  app.post('/play/rules/preview', manage, jsonBody(previewRulesBody), async (c) => {
    const body = c.req.valid('json');
    // The same checks and versions publishing would give, so the preview is what would land.
    const { rules } = await service.current();
    const draft = assignVersions(normalizeRules(body.rules), rules.rules);
    const { live, next, diff } = await service.preview(draft);
    return c.json({
      based_on_version: live.rules.version,
      watermark: next.watermark,
      // Titles of every achievement either rule set names, for showing gains and losses.
      achievement_titles: Object.fromEntries(
        [...live.rules.rules.achievements, ...draft.achievements].map((a) => [a.id, a.title]),
      ),
      members: diff,
      changed: diff.filter(
        (d) =>
          d.xp[0] !== d.xp[1] ||
          d.level[0] !== d.level[1] ||
          d.rank[0] !== d.rank[1] ||
          d.week_rank[0] !== d.week_rank[1] ||
          d.ratings.some((r) => r.rating[0] !== r.rating[1]) ||
          d.achievements_gained.length > 0 ||
          d.achievements_lost.length > 0,
      ).length,
    });
  });

  app.put('/play/rules', manage, jsonBody(publishRulesBody), async (c) => {
    const body = c.req.valid('json');
    const result = await writer.publishRules(
      { rules: body.rules, expectedVersion: body.expected_version, by: me(c) },
      commandMeta(c, body),
    );
    return accepted(c, result, { version: result.version });
  });

  app.get('/play/settings', read, queryParams(playQuery), after, async (c) => {
    const s = await currentSettings(db);
    return c.json({ time_zone: s.timeZone, hidden_member_ids: s.hiddenMemberIds });
  });

  app.put('/play/settings', manage, jsonBody(settingsBody), async (c) => {
    const body = c.req.valid('json');
    for (const id of body.hidden_member_ids ?? []) await existingUser(id, 'hidden_member_ids');
    const result = await writer.changeSettings(
      { timeZone: body.time_zone, hiddenMemberIds: body.hidden_member_ids, by: me(c) },
      commandMeta(c, body),
    );
    return accepted(c, result);
  });

  return app;
}

function emptyScore(userId: string): MemberScore {
  return {
    memberId: userId,
    name: userId,
    xp: 0,
    weekXp: 0,
    level: 1,
    levelStartXp: 0,
    nextLevelXp: 151,
    levelsReachedAt: [],
    achievements: [],
    metrics: {
      messages_sent: 0,
      photos_shared: 0,
      files_shared: 0,
      matches_played: 0,
      matches_won: 0,
      challenges_completed: 0,
      chores_approved: 0,
      streak_days: 0,
      level: 1,
    },
    streak: { current: 0, longest: 0 },
    ratings: [],
    grants: [],
  };
}

function memberView(m: MemberScore, scores: Scores) {
  const rank = (rows: Scores['boards']['xpAllTime']) =>
    rows.find((r) => r.memberId === m.memberId)?.rank ?? null;
  return {
    user_id: m.memberId,
    name: m.name,
    xp: m.xp,
    week_xp: m.weekXp,
    level: m.level,
    level_start_xp: m.levelStartXp,
    next_level_xp: m.nextLevelXp,
    rank: rank(scores.boards.xpAllTime),
    week_rank: rank(scores.boards.xpWeek),
    streak: m.streak,
    metrics: m.metrics,
    achievements: m.achievements.map((a) => ({
      id: a.id,
      title: a.title,
      version: a.version,
      earned_at: a.earnedAt.toISOString(),
    })),
    ratings: m.ratings.map((r) => ({
      game: r.game,
      game_name: r.gameName,
      rating: r.rating,
      games: r.games,
      provisional: r.provisional,
    })),
  };
}
