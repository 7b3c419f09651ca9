// Play in one hub process: its read models, writer, live service and routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { playActivityProjection } from '../../projectors/play-activity/projection.ts';
import { playRecordsProjection } from '../../projectors/play-records/projection.ts';
import type { AnyProjection } from '../../projectors/runtime/types.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { createPlayWriter } from '../../writers/play/commands.ts';
import { createPlayReader } from '../../writers/play/load.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { playRoutes } from './routes.ts';
import { createPlayService, type LivePush, type PlayService } from './service.ts';

export type Play = {
  projections: AnyProjection[];
  service: PlayService;
  routes: (deps: HubDeps) => Hono<HubEnv>;
  start: () => void;
  stop: () => Promise<void>;
};

export function createPlay({
  log,
  appender,
  db,
  logger,
  push,
  intervalMs,
}: {
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  logger: Logger;
  push?: LivePush | undefined;
  intervalMs?: number | undefined;
}): Play {
  const writer = createPlayWriter({ appender, reader: createPlayReader({ log }) });
  const service = createPlayService({ db, writer, logger, push, ...(intervalMs ? { intervalMs } : {}) });
  return {
    projections: [playRecordsProjection, playActivityProjection] as unknown as AnyProjection[],
    service,
    routes: (deps) => playRoutes({ deps, writer, service }),
    start: service.start,
    stop: service.stop,
  };
}
