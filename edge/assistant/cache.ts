// The prompt cache: an identical request by the same member (model, system prompt, messages)
// within the TTL is answered from here, marked as cached; one member never gets another's. In
// this edge's memory, bounded in entries and in each entry's size; oldest out first.
import { createHash } from 'node:crypto';
import type { ChatMessage } from './ollama.ts';

export type CachedAnswer = { answer: string; promptTokens: number; answerTokens: number };

const MAX_ENTRIES = 1000;
/** A longer answer is not kept (UTF-16 units): the cache holds at most ~32 MB of answers. */
export const MAX_CACHED_ANSWER = 16 * 1024;

export type PromptCache = {
  key: (memberId: string, model: string, messages: ChatMessage[]) => string;
  get: (key: string, now: number) => CachedAnswer | undefined;
  put: (key: string, answer: CachedAnswer, now: number) => void;
};

export function createPromptCache(ttlMs: number): PromptCache {
  const entries = new Map<string, { at: number; answer: CachedAnswer }>();
  return {
    key: (memberId, model, messages) =>
      createHash('sha256')
        .update(JSON.stringify([memberId, model, messages]))
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
      if (ttlMs <= 0 || answer.answer.length > MAX_CACHED_ANSWER) return;
      entries.delete(key);
      entries.set(key, { at: now, answer });
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    },
  };
}
