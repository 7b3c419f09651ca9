// Home in one hub process: the notification and feed read models, the milestones reactors,
// the writer, the live pushes and the routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { HOME_FEED_IDENTITY, homeFeedIdentity } from '../../projectors/home-feed/identity.ts';
import { homeFeedMedia } from '../../projectors/home-feed/media.ts';
import { HOME_FEED, homeFeedProjection } from '../../projectors/home-feed/projection.ts';
import { FEED_SOURCES } from '../../projectors/home-feed/queries.ts';
import { HOME_NOTIFICATIONS_CHAT, homeNotificationsChat } from '../../projectors/home-notifications/chat.ts';
import {
  HOME_NOTIFICATIONS,
  homeNotificationsProjection,
} from '../../projectors/home-notifications/projection.ts';
import type { Sources } from '../../projectors/home-notifications/queries.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createHomeWriter } from '../../writers/home/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { HubEnv } from '../http/context.ts';
import type { AuthGate, HubDeps } from '../http/deps.ts';
import { feedRoutes } from './feed.routes.ts';
import { createHomeLive, type HomeLive, type HomePush } from './live.ts';
import { homeRoutes } from './routes.ts';

/** Where the notification centre reads (see projectors/home-notifications/queries.ts). */
const SOURCES: Sources = { notifications: [HOME_NOTIFICATIONS_CHAT, HOME_FEED], joined: HOME_FEED_IDENTITY };

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
    sources: SOURCES,
    watched: [HOME_NOTIFICATIONS, ...SOURCES.notifications, SOURCES.joined],
    auth,
    positions,
    feedSources: FEED_SOURCES,
    push,
    logger,
    ...(intervalMs ? { intervalMs } : {}),
  });
  return {
    // One read model per stream: each holds a database connection for as long as it runs.
    projections: [
      homeNotificationsProjection,
      homeNotificationsChat,
      homeFeedProjection,
      homeFeedIdentity,
      homeFeedMedia,
    ] as unknown as Projector[],
    live,
    routes: (deps) =>
      homeRoutes({ deps, writer, scores, sources: SOURCES, push, feed: feedRoutes({ deps, scores }) }),
    start: live.start,
    stop: live.stop,
  };
}
