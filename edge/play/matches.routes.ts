// Matches: the list with rating changes, reporting, confirming, rejecting and voiding.
import type { Hono } from 'hono';
import { sql } from 'kysely';
import type { Match, MatchStatus } from '../../contracts/play.api.ts';
import { playQuery, reasonBody, reportMatchBody } from '../../contracts/play.schema.ts';
import { isBanned } from '../../projectors/identity-users/queries.ts';
import { playErrors } from '../../writers/play/errors.ts';
import { newId } from '../../writers/play/ids.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { queryParams } from '../http/validate.ts';
import { type PlayKit, playBody } from './shared.ts';

export function matchRoutes(
  app: Hono<HubEnv>,
  {
    db,
    writer,
    appender,
    playScores,
    read,
    play,
    manage,
    after,
    me,
    canManage,
    param,
    accepted,
    existingUser,
  }: PlayKit,
): void {
  app.get('/play/matches', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await playScores.current();
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
      }>`SELECT * FROM play_records.matches ORDER BY reported_at DESC, match_id LIMIT 200`.execute(db)
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
          status: expired ? 'expired' : (r.status as MatchStatus),
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
      }) satisfies Match[],
    );
  });

  app.post('/play/matches', play, playBody(reportMatchBody), async (c) => {
    const body = c.req.valid('json');
    for (const p of body.placements) {
      const user = await existingUser(p.user_id, 'placements.user_id');
      if (isBanned(user)) throw playErrors.personBanned(undefined, { field: 'placements.user_id' });
    }
    const { meta, made } = await generatingCommand(c, {
      body,
      make: () => ({ id: body.id ?? newId() }),
      appender,
    });
    const matchId = made.id;
    const result = await writer.reportMatch(
      {
        matchId,
        game: body.game,
        gameName: body.game,
        placements: body.placements.map((p) => ({ userId: p.user_id, place: p.place })),
        by: me(c),
        canManage: canManage(c),
      },
      meta,
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

  app.post('/play/matches/:match_id/void', manage, playBody(reasonBody), async (c) => {
    const matchId = param(c, 'match_id');
    const body = c.req.valid('json');
    const result = await writer.voidMatch(
      { matchId, by: me(c), canManage: true, reason: body.reason },
      commandMeta(c, body),
    );
    return accepted(c, result, { id: matchId });
  });
}
