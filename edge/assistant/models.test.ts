import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSettings } from '../../projectors/assistant-conversations/queries.ts';
import { type FakeOllama, startFakeOllama } from '../../test/ollama.ts';
import type { AssistantConfig } from './config.ts';
import { modelChoices } from './models.ts';

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await ollama?.stop();
});

const config = (ollamaUrl: string | undefined): AssistantConfig => ({
  ollamaUrl,
  defaultModel: 'llama3.2',
  timeoutMs: 1000,
  maxDurationMs: 5000,
  cacheTtlMs: 0,
});
const settings = (allowed: StoredSettings['allowed_models']) => ({
  get: async (): Promise<StoredSettings> => ({ version: 1, allowed_models: allowed, quotas: [] }),
});

describe('the models a member may choose', () => {
  it('is the list the admins set for the role', async () => {
    const choices = modelChoices({
      config: config(ollama.url),
      settings: settings([{ role: 'child', models: ['kids-model'] }]),
    });
    expect(await choices('child')).toEqual(['kids-model']);
  });

  it('is none for a child whose role has no list', async () => {
    const choices = modelChoices({ config: config(ollama.url), settings: settings([]) });
    expect(await choices('child')).toEqual([]);
  });

  it('is every model the server has for a role with no list, asked once for a while', async () => {
    let asked = 0;
    const counting = modelChoices({
      config: config(ollama.url),
      settings: settings([]),
      now: () => {
        asked++;
        return 0;
      },
    });
    expect(await counting('member')).toEqual(['llama3.2', 'slow']);
    expect(await counting('admin')).toEqual(['llama3.2', 'slow']);
    expect(asked).toBeGreaterThan(0);
  });

  it('is null when the server cannot be asked or none is configured', async () => {
    expect(await modelChoices({ config: config(undefined), settings: settings([]) })('member')).toBeNull();
    ollama.down = true;
    try {
      expect(await modelChoices({ config: config(ollama.url), settings: settings([]) })('member')).toBeNull();
    } finally {
      ollama.down = false;
    }
  });
});
