// Preferences in one hub process: the read model, the writer, the live pushes and the routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  PREFERENCES_MEMBERS,
  preferencesMembersProjection,
} from '../../projectors/preferences-members/projection.ts';
import { memberPreferences } from '../../projectors/preferences-members/queries.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createHomeWriter } from '../../writers/home/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { createPreferencesWriter } from '../../writers/preferences/commands.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { createPreferencesLive, type PreferencesPush } from './live.ts';
import { createPreferencesMemory, type PreferencesMemory } from './memory.ts';
import { preferencesRoutes } from './routes.ts';

export type Preferences = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
  /** Members' preferences held in memory, kept up to date by their changes (memory.ts). */
  memory: PreferencesMemory;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** A read model changed with no new event (projectors.onRewritten): what memory read of it goes. */
  rewritten: (readModel: string) => void;
};

export function createPreferences({
  log,
  appender,
  push,
  db,
  logger,
}: {
  log: Log;
  appender: Appender;
  push?: PreferencesPush | undefined;
  db: Kysely<unknown>;
  logger: Logger;
}): Preferences {
  const writer = createPreferencesWriter({ appender });
  const memory = createPreferencesMemory({ load: (memberId) => memberPreferences(db, memberId) });
  const live = createPreferencesLive({ log, logger, push, memory });
  return {
    projections: [preferencesMembersProjection] as unknown as Projector[],
    // The muted kinds of notification are home's settings, written by home's writer.
    routes: (deps) => preferencesRoutes({ deps, writer, home: createHomeWriter({ appender }), memory }),
    memory,
    start: live.start,
    stop: live.stop,
    rewritten: (readModel) => {
      if (readModel === PREFERENCES_MEMBERS) memory.reset();
    },
  };
}
