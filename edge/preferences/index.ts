// Preferences in one hub process: the read model, the writer, the live pushes and the routes.
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { preferencesMembersProjection } from '../../projectors/preferences-members/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createHomeWriter } from '../../writers/home/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { createPreferencesWriter } from '../../writers/preferences/commands.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { createPreferencesLive, type PreferencesPush } from './live.ts';
import { preferencesRoutes } from './routes.ts';

export type Preferences = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

export function createPreferences({
  log,
  appender,
  push,
  logger,
}: {
  log: Log;
  appender: Appender;
  push?: PreferencesPush | undefined;
  logger: Logger;
}): Preferences {
  const writer = createPreferencesWriter({ appender });
  const live = createPreferencesLive({ log, logger, push });
  return {
    projections: [preferencesMembersProjection] as unknown as Projector[],
    // The muted kinds of notification are home's settings, written by home's writer.
    routes: (deps) => preferencesRoutes({ deps, writer, home: createHomeWriter({ appender }) }),
    start: live.start,
    stop: live.stop,
  };
}
