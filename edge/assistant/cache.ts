// The prompt cache: an identical request (model, system prompt, messages) within the TTL is
// answered from here, marked as cached. In this edge's memory, bounded; oldest out first.
import { createHash } from 'node:crypto';
import type { ChatMessage } from './ollama.ts';

export type CachedAnswer = { answer: string; promptTokens: number; answerTokens: number };

const MAX_ENTRIES = 1000;

export type PromptCache = {
  key: (model: string, messages: ChatMessage[]) => string;
  get: (key: string, now: number) => CachedAnswer | undefined;
  put: (key: string, answer: CachedAnswer, now: number) => void;
};

export function createPromptCache(ttlMs: number): PromptCache {
  const entries = new Map<string, { at: number; answer: CachedAnswer }>();
  return {
    key: (model, messages) =>
      createHash('sha256')
        .update(JSON.stringify([model, messages]))
        .digest('hex'),
    get: (key, now) => {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (now - hit.at >= ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return hit.answer;
    },
    put: (key, answer, now) => {
      if (ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, { at: now, answer });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    },
  };
}
