// The family assistant in one hub process: the read model, the writer, the prompt cache and
// the routes.
import type { Hono } from 'hono';
import { assistantConversationsProjection } from '../../projectors/assistant-conversations/projection.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import { createAssistantWriter } from '../../writers/assistant/commands.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { createPromptCache } from './cache.ts';
import type { AssistantConfig } from './config.ts';
import { assistantRoutes } from './routes.ts';

export type Assistant = {
  projections: Projector[];
  routes: (deps: HubDeps) => Hono<HubEnv>;
};

export function createAssistant({
  appender,
  config,
}: {
  appender: Appender;
  config: AssistantConfig;
}): Assistant {
  const writer = createAssistantWriter({ appender });
  const cache = createPromptCache(config.cacheTtlMs);
  return {
    projections: [assistantConversationsProjection] as unknown as Projector[],
    routes: (deps) => assistantRoutes({ deps, writer, config, cache }),
  };
}
