// Play in one hub process: its read models and reward reactors, the writer, the scores query
// model, the live pushes and the routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { playActivityMediaProjection } from '../../projectors/play-activity/media.ts';
import { playActivityProjection } from '../../projectors/play-activity/projection.ts';
import { playRecordsProjection } from '../../projectors/play-records/projection.ts';
import { playRewardsReactors } from '../../projectors/play-rewards/reactor.ts';
import { createScoresQuery, type Positions, type ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { createPlayWriter } from '../../writers/play/commands.ts';
import { createPlayReader } from '../../writers/play/load.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { createPlayLive, type LivePush, type PlayLive } from './live.ts';
import { playRoutes } from './routes.ts';

export type Play = {
  /** Read models and reactors for the projector runner. */
  projections: Projector[];
  scores: ScoresQuery;
  live: PlayLive;
  routes: (deps: HubDeps) => Hono<HubEnv>;
  start: () => void;
  stop: () => Promise<void>;
};

export function createPlay({
  log,
  appender,
  db,
  positions,
  logger,
  push,
  intervalMs,
}: {
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  /** The projector runner's positions: the scores are kept until a read model moves. */
  positions: Positions;
  logger: Logger;
  push?: LivePush | undefined;
  intervalMs?: number | undefined;
}): Play {
  const writer = createPlayWriter({ appender, reader: createPlayReader({ log }) });
  const scores = createScoresQuery({ db, positions });
  const live = createPlayLive({ scores, logger, push, ...(intervalMs ? { intervalMs } : {}) });
  return {
    projections: [
      playRecordsProjection,
      playActivityProjection,
      playActivityMediaProjection,
      ...playRewardsReactors({ db, writer, scores }),
    ] as unknown as Projector[],
    scores,
    live,
    routes: (deps) => playRoutes({ deps, writer, scores }),
    start: live.start,
    stop: live.stop,
  };
}
