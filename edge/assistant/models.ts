// The models a member may choose, for their settings page: the list the admins set for their
// role; none for a child whose role has no list; else every model the model server has (its
// /api/tags, kept for 30 s), or null when it cannot be asked (the member types a name, and a
// prompt with one not allowed is refused as always).
import type { AssistantConfig } from './config.ts';
import { listModels } from './ollama.ts';
import type { SettingsMemory } from './settings-memory.ts';

const KEEP_MS = 30_000;
const ASK_MS = 2000;

export type ModelChoices = (role: string) => Promise<string[] | null>;

export function modelChoices({
  config,
  settings,
  now = Date.now,
}: {
  config: AssistantConfig;
  settings: Pick<SettingsMemory, 'get'>;
  now?: () => number;
}): ModelChoices {
  let kept: { at: number; models: Promise<string[] | undefined> } | undefined;
  const served = (url: string) => {
    if (!kept || now() - kept.at > KEEP_MS) kept = { at: now(), models: listModels(url, ASK_MS) };
    return kept.models;
  };
  return async (role) => {
    const allowed = (await settings.get()).allowed_models.find((r) => r.role === role);
    if (allowed) return [...allowed.models];
    if (role === 'child') return [];
    if (config.ollamaUrl === undefined) return null;
    return (await served(config.ollamaUrl)) ?? null;
  };
}
