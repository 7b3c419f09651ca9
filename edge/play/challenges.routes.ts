// Weekly challenges: the week's challenges with everyone's progress, creating and cancelling.
import type { Hono } from 'hono';
import { sql } from 'kysely';
import type { ChallengeList } from '../../contracts/play.api.ts';
import { type ChallengeMetric, createChallengeBody, playQuery } from '../../contracts/play.schema.ts';
import { isBanned } from '../../projectors/identity-users/queries.ts';
import type { ChallengeRow } from '../../projectors/play-records/rows.ts';
import { playErrors } from '../../writers/play/errors.ts';
import { newId } from '../../writers/play/ids.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { queryParams } from '../http/validate.ts';
import { type PlayKit, playBody } from './shared.ts';

export function challengeRoutes(
  app: Hono<HubEnv>,
  { db, writer, appender, playScores, read, manage, after, me, param, accepted, existingUser }: PlayKit,
): void {
  app.get('/play/challenges', read, queryParams(playQuery), after, async (c) => {
    const { scores } = await playScores.current();
    const week = c.req.valid('query').week ?? scores.week;
    const rows = (
      await sql<ChallengeRow>`SELECT * FROM play_records.challenges WHERE week = ${week} AND NOT cancelled ORDER BY created_at, challenge_id`.execute(
        db,
      )
    ).rows;
    return c.json({
      week,
      challenges: rows.map((r) => ({
        id: r.challenge_id,
        title: r.title,
        week: r.week,
        metric: r.metric as ChallengeMetric,
        target: r.target,
        reward_xp: r.reward_xp,
        member_ids: r.member_ids,
        starts_at: r.starts_at?.toISOString() ?? null,
        progress: scores.challenges
          .filter((p) => p.challengeId === r.challenge_id)
          .map((p) => ({
            user_id: p.memberId,
            name: scores.members.get(p.memberId)?.name ?? p.memberId,
            progress: Math.min(p.progress, p.target),
            completed: p.completed,
          })),
      })),
    } satisfies ChallengeList);
  });

  app.post('/play/challenges', manage, playBody(createChallengeBody), async (c) => {
    const body = c.req.valid('json');
    for (const id of body.member_ids ?? []) {
      const user = await existingUser(id, 'member_ids');
      if (isBanned(user)) throw playErrors.personBanned(undefined, { field: 'member_ids' });
    }
    const { meta, made } = await generatingCommand(c, {
      body,
      make: () => ({ id: body.id ?? newId() }),
      appender,
    });
    const challengeId = made.id;
    const result = await writer.createChallenge(
      {
        challengeId,
        title: body.title,
        week: body.week,
        metric: body.metric,
        target: body.target,
        rewardXp: body.reward_xp,
        memberIds: body.member_ids,
        fromWeekStart: body.from_week_start,
        by: me(c),
      },
      meta,
    );
    return accepted(c, result, { id: challengeId, week: result.week });
  });

  app.post('/play/challenges/:challenge_id/cancel', manage, async (c) => {
    const challengeId = param(c, 'challenge_id');
    const result = await writer.cancelChallenge({ challengeId, by: me(c) }, commandMeta(c));
    return accepted(c, result, { id: challengeId });
  });
}
