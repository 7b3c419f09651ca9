// Profiles and the XP explanation, and the leaderboards: every score read comes from the
// play-scores query model.
import type { Context, Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { Boards, Profile, XpExplanation } from '../../contracts/play.api.ts';
import { playQuery } from '../../contracts/play.schema.ts';
import { isBanned } from '../../projectors/identity-users/queries.ts';
import type { Grant, MemberScore, Scores } from '../../projectors/play-scores/engine.ts';
import { levelView } from '../../projectors/play-scores/level.ts';
import type { HubEnv } from '../http/context.ts';
import { queryParams } from '../http/validate.ts';
import type { PlayKit } from './shared.ts';

export function scoreRoutes(
  app: Hono<HubEnv>,
  { playScores, read, after, me, param, existingUser, canManage }: PlayKit,
): void {
  app.get('/play/me', read, queryParams(playQuery), after, async (c) => c.json(await profile(me(c))));

  /** A banned member's scores are the admin's business only: to anyone else, no such person. */
  async function shownMember(c: Context<HubEnv>): Promise<string> {
    const id = param(c, 'user_id');
    const user = await existingUser(id, 'user_id');
    if (isBanned(user) && !canManage(c))
      throw commonErrors.notFound(`No such person: ${id}.`, { field: 'user_id' });
    return id;
  }

  app.get('/play/members/:user_id', read, queryParams(playQuery), after, async (c) =>
    c.json(await profile(await shownMember(c))),
  );

  async function profile(userId: string): Promise<Profile> {
    const { scores, rules } = await playScores.current();
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
    const id = await shownMember(c);
    const { scores, rules } = await playScores.current();
    const m = scores.members.get(id) ?? emptyScore(id);
    return c.json({
      user_id: id,
      xp: m.xp,
      level: m.level,
      rules_version: rules.version,
      grants: explained(m.grants),
    } satisfies XpExplanation);
  });

  app.get('/play/leaderboards', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await playScores.current();
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
    } satisfies Boards);
  });
}

function emptyScore(userId: string): MemberScore {
  return {
    memberId: userId,
    name: userId,
    xp: 0,
    weekXp: 0,
    ...levelView(0),
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

type GrantJson = {
  rule_id: string;
  rule_version: number;
  xp: number;
  at: string;
  day: string;
  source:
    | Exclude<Grant['source'], { kind: 'message' }>
    | { kind: 'messages'; day: string; messages: number; stream: 'chat'; seqs: number[] };
};

/**
 * The grants as the explanation lists them: one row per event, and a day's messages under
 * one rule as one row with the chat events that earned it (the scores grant them one by one).
 */
function explained(grants: Grant[]): GrantJson[] {
  const out: GrantJson[] = [];
  const messageRows = new Map<string, GrantJson & { source: { kind: 'messages'; seqs: number[] } }>();
  for (const g of grants) {
    const row = {
      rule_id: g.ruleId,
      rule_version: g.ruleVersion,
      xp: g.xp,
      at: g.at.toISOString(),
      day: g.day,
    };
    if (g.source.kind !== 'message') {
      out.push({ ...row, source: g.source });
      continue;
    }
    const key = `${g.ruleId} ${g.day}`;
    const seen = messageRows.get(key);
    if (seen) {
      seen.xp += g.xp;
      seen.source.seqs.push(g.source.seq);
      seen.source.messages += 1;
      continue;
    }
    const first = {
      ...row,
      source: {
        kind: 'messages' as const,
        day: g.day,
        messages: 1,
        stream: 'chat' as const,
        seqs: [g.source.seq],
      },
    };
    messageRows.set(key, first);
    out.push(first);
  }
  return out;
}
