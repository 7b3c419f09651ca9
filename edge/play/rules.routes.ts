// The rules with their before → after preview, and the play settings.
import type { Hono } from 'hono';
import type { LiveRules, PlaySettings, RulesPreview } from '../../contracts/play.api.ts';
import { playQuery, previewRulesBody, publishRulesBody, settingsBody } from '../../contracts/play.schema.ts';
import { currentSettings } from '../../projectors/play-scores/facts.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import { queryParams } from '../http/validate.ts';
import { type PlayKit, playBody } from './shared.ts';

export function ruleRoutes(
  app: Hono<HubEnv>,
  { db, writer, playScores, read, manage, after, me, accepted, existingUser }: PlayKit,
): void {
  app.get('/play/rules', read, queryParams(playQuery), after, async (c) => {
    const { rules } = await playScores.current();
    return c.json({
      version: rules.version,
      rules: rules.rules,
      published_at: rules.publishedAt,
      published_by: rules.publishedBy,
    } satisfies LiveRules);
  });

  app.post('/play/rules/preview', manage, playBody(previewRulesBody), async (c) => {
    const body = c.req.valid('json');
    // The same checks and versions publishing would give, so the preview is what would land.
    const draft = await writer.draftRules(body.rules);
    const { live, next, diff } = await playScores.preview(draft);
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
    } satisfies RulesPreview);
  });

  app.put('/play/rules', manage, playBody(publishRulesBody), async (c) => {
    const body = c.req.valid('json');
    const result = await writer.publishRules(
      { rules: body.rules, expectedVersion: body.expected_version, by: me(c) },
      commandMeta(c, body),
    );
    return accepted(c, result, { version: result.version });
  });

  app.get('/play/settings', read, queryParams(playQuery), after, async (c) => {
    const s = await currentSettings(db);
    return c.json({ time_zone: s.timeZone, hidden_member_ids: s.hiddenMemberIds } satisfies PlaySettings);
  });

  app.put('/play/settings', manage, playBody(settingsBody), async (c) => {
    const body = c.req.valid('json');
    for (const id of body.hidden_member_ids ?? []) await existingUser(id, 'hidden_member_ids');
    const result = await writer.changeSettings(
      { timeZone: body.time_zone, hiddenMemberIds: body.hidden_member_ids, by: me(c) },
      commandMeta(c, body),
    );
    return accepted(c, result);
  });
}
