// Home in one hub process: the notification and feed read models, the milestones reactors,
// the writer, the live pushes and the routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { homeFeedIdentity } from '../../projectors/home-feed/identity.ts';
import { homeFeedMilestones } from '../../projectors/home-feed/milestones.ts';
import { homeFeedProjection } from '../../projectors/home-feed/projection.ts';
import { FEED_SOURCES } from '../../projectors/home-feed/queries.ts';
import { homeNotificationsChat } from '../../projectors/home-notifications/chat.ts';
import { homeNotificationsIdentity } from '../../projectors/home-notifications/identity.ts';
import { homeMilestoneReactors } from '../../projectors/home-notifications/milestones.ts';
import { homeNotificationsPlay } from '../../projectors/home-notifications/play.ts';
import { homeNotificationsProjection } from '../../projectors/home-notifications/projection.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createHomeWriter } from '../../writers/home/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { HubEnv } from '../http/context.ts';
import type { AuthGate, HubDeps } from '../http/deps.ts';
import { feedRoutes } from './feed.routes.ts';
import { createHomeLive, type HomeLive, type HomePush } from './live.ts';
import { homeRoutes } from './routes.ts';

export type Home = {
  projections: Projector[];
  live: HomeLive;
  routes: (deps: HubDeps) => Hono<HubEnv>;
  start: () => void;
  stop: () => Promise<void>;
};

export function createHome({
  appender,
  db,
  auth,
  scores,
  positions,
  push,
  logger,
  intervalMs,
}: {
  appender: Appender;
  db: Kysely<unknown>;
  auth: Pick<AuthGate, 'can'>;
  scores: ScoresQuery;
  positions: (names: readonly string[]) => Promise<Map<string, number>>;
  push?: HomePush | undefined;
  logger: Logger;
  intervalMs?: number | undefined;
}): Home {
  const writer = createHomeWriter({ appender });
  const live = createHomeLive({
    db,
    auth,
    positions,
    feedSources: FEED_SOURCES,
    push,
    logger,
    ...(intervalMs ? { intervalMs } : {}),
  });
  return {
    projections: [
      homeNotificationsProjection,
      homeNotificationsChat,
      homeNotificationsPlay,
      homeNotificationsIdentity,
      homeFeedProjection,
      homeFeedIdentity,
      homeFeedMilestones,
      ...homeMilestoneReactors({ writer, scores }),
    ] as unknown as Projector[],
    live,
    routes: (deps) => homeRoutes({ deps, writer, push, feed: feedRoutes({ deps, scores }) }),
    start: live.start,
    stop: live.stop,
  };
}
