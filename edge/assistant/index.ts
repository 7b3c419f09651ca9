// The family assistant in one hub process: the read model, the writer, the prompt cache, the
// admins' settings held in memory (and followed on the log), and the routes.
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  ASSISTANT_CONVERSATIONS,
  assistantConversationsProjection,
} from '../../projectors/assistant-conversations/projection.ts';
import { assistantSettings } from '../../projectors/assistant-conversations/queries.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createAssistantWriter } from '../../writers/assistant/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import type { PreferencesMemory } from '../preferences/memory.ts';
import { createPromptCache } from './cache.ts';
import type { AssistantConfig } from './config.ts';
import { createAdmissions } from './limits.ts';
import { assistantRoutes } from './routes.ts';
import { createSettingsMemory, followSettings } from './settings-memory.ts';

export type Assistant = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
  /** Follows the admins' settings on the log (an edge that serves people). */
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** A read model changed with no new event (projectors.onRewritten): the settings are read again. */
  rewritten: (readModel: string) => void;
};

export function createAssistant({
  log,
  db,
  appender,
  config,
  preferences,
  logger,
}: {
  log: Log;
  db: Kysely<unknown>;
  appender: Appender;
  config: AssistantConfig;
  /** Members' preferences (their model, their instructions), held in memory. */
  preferences: PreferencesMemory;
  logger: Logger;
}): Assistant {
  const writer = createAssistantWriter({ appender });
  const cache = createPromptCache(config.cacheTtlMs);
  const settings = createSettingsMemory({ load: () => assistantSettings(db) });
  const admissions = createAdmissions();
  let following: { stop: () => Promise<void> } | undefined;
  return {
    projections: [assistantConversationsProjection] as unknown as Projector[],
    routes: (deps) => assistantRoutes({ deps, writer, config, cache, settings, admissions, preferences }),
    start: async () => {
      following ??= await followSettings({ log, logger, memory: settings });
    },
    stop: async () => {
      await following?.stop();
      following = undefined;
    },
    rewritten: (readModel) => {
      if (readModel === ASSISTANT_CONVERSATIONS) settings.reset();
    },
  };
}
