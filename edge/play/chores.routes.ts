// Chores: the list with where each stands for the asker, defining, retiring, marking done, and
// approving or rejecting completions.
import type { Hono } from 'hono';
import { sql } from 'kysely';
import type { ChoreBoard, CompletionStatus } from '../../contracts/play.api.ts';
import {
  approveCompletionBody,
  defineChoreBody,
  markDoneBody,
  playQuery,
  type Recurrence,
  rejectCompletionBody,
} from '../../contracts/play.schema.ts';
import type { ChoreRow, CompletionRow } from '../../projectors/play-records/rows.ts';
import { currentSettings } from '../../projectors/play-scores/facts.ts';
import { newId } from '../../writers/play/ids.ts';
import { completionIdFor, periodOf } from '../../writers/play/period.ts';
import { commandMeta, generatingCommand } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { queryParams } from '../http/validate.ts';
import { type PlayKit, playBody } from './shared.ts';

export function choreRoutes(
  app: Hono<HubEnv>,
  { db, writer, appender, read, play, manage, after, me, param, accepted }: PlayKit,
): void {
  app.get('/play/chores', read, queryParams(playQuery), after, async (c) => {
    const chores = (
      await sql<Pick<ChoreRow, 'chore_id' | 'title' | 'points' | 'recurrence'>>`
        SELECT chore_id, title, points, recurrence FROM play_records.chores WHERE NOT retired ORDER BY title, chore_id`.execute(
        db,
      )
    ).rows;
    const completions = (
      await sql<CompletionRow>`SELECT * FROM play_records.completions ORDER BY (status = 'pending') DESC, marked_at DESC LIMIT 200`.execute(
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
          SELECT c.chore_id, c.completion_id, c.member_id, c.status, c.period FROM play_records.completions c
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
          recurrence: r.recurrence as Recurrence,
          current: mine
            ? {
                id: mine.completion_id,
                user_id: mine.member_id,
                status: mine.status as CompletionStatus,
                period: mine.period,
              }
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
        status: r.status as CompletionStatus,
        marked_at: r.marked_at.toISOString(),
        decided_by: r.decided_by,
        decided_at: r.decided_at?.toISOString() ?? null,
        reason: r.reason,
      })),
    } satisfies ChoreBoard);
  });

  app.post('/play/chores', manage, playBody(defineChoreBody), async (c) => {
    const body = c.req.valid('json');
    const { meta, made } = await generatingCommand(c, {
      body,
      make: () => ({ id: body.id ?? newId() }),
      appender,
    });
    const choreId = made.id;
    const result = await writer.defineChore(
      { choreId, title: body.title, points: body.points, recurrence: body.recurrence, by: me(c) },
      meta,
    );
    return accepted(c, result, { id: choreId });
  });

  app.post('/play/chores/:chore_id/retire', manage, async (c) => {
    const choreId = param(c, 'chore_id');
    return accepted(c, await writer.retireChore({ choreId, by: me(c) }, commandMeta(c)), { id: choreId });
  });

  app.post('/play/chores/:chore_id/done', play, playBody(markDoneBody), async (c) => {
    const choreId = param(c, 'chore_id');
    const body = c.req.valid('json');
    // The period is the claimed time's, so a retry lands on the first attempt's completion.
    const { meta } = await generatingCommand(c, { body, make: () => ({}), appender });
    const result = await writer.markChoreDone(
      { choreId, memberId: me(c), photoId: body.photo_id, note: body.note },
      meta,
    );
    return accepted(c, result, { chore_id: choreId, id: result.completionId, period: result.period });
  });

  app.post(
    '/play/chores/:chore_id/completions/:completion_id/approve',
    manage,
    playBody(approveCompletionBody),
    async (c) => {
      const choreId = param(c, 'chore_id');
      const completionId = param(c, 'completion_id');
      const body = c.req.valid('json');
      const result = await writer.approveCompletion(
        { choreId, completionId, by: me(c), canManage: true, memberId: body.member_id },
        commandMeta(c, body),
      );
      return accepted(c, result, { chore_id: choreId, id: completionId });
    },
  );

  app.post(
    '/play/chores/:chore_id/completions/:completion_id/reject',
    manage,
    playBody(rejectCompletionBody),
    async (c) => {
      const choreId = param(c, 'chore_id');
      const completionId = param(c, 'completion_id');
      const body = c.req.valid('json');
      const result = await writer.rejectCompletion(
        { choreId, completionId, by: me(c), canManage: true, memberId: body.member_id, reason: body.reason },
        commandMeta(c, body),
      );
      return accepted(c, result, { chore_id: choreId, id: completionId });
    },
  );
}
