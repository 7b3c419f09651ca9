// The play API under /api/v1/play: profiles and the XP explanation, leaderboards, matches,
// weekly challenges, chores, and the rules with their before → after preview. Commands go to
// the play writer; every score read comes from the play-scores query model.
// Each role's routes live under ./play/ and are registered here, in this order, on one app.
import { Hono } from 'hono';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { PlayWriter } from '../../writers/play/commands.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { challengeRoutes } from './challenges.routes.ts';
import { choreRoutes } from './chores.routes.ts';
import { matchRoutes } from './matches.routes.ts';
import { ruleRoutes } from './rules.routes.ts';
import { scoreRoutes } from './scores.routes.ts';
import { playKit } from './shared.ts';

export function playRoutes({
  deps,
  writer,
  scores,
}: {
  deps: HubDeps;
  writer: PlayWriter;
  scores: ScoresQuery;
}): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  const kit = playKit({ deps, writer, scores });
  scoreRoutes(app, kit);
  matchRoutes(app, kit);
  challengeRoutes(app, kit);
  choreRoutes(app, kit);
  ruleRoutes(app, kit);
  return app;
}
