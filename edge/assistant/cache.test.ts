import { describe, expect, it } from 'vitest';
import { createPromptCache, MAX_CACHED_ANSWER } from './cache.ts';

const messages = [{ role: 'user' as const, content: 'Same words' }];
const answer = { answer: 'Hi', promptTokens: 1, answerTokens: 1 };

describe('the prompt cache', () => {
  it('never answers one member from another’s entry', () => {
    const cache = createPromptCache(60_000);
    cache.put(cache.key('ann', 'm', messages), answer, 0);
    expect(cache.get(cache.key('ann', 'm', messages), 1)).toEqual(answer);
    expect(cache.key('bob', 'm', messages)).not.toBe(cache.key('ann', 'm', messages));
    expect(cache.get(cache.key('bob', 'm', messages), 1)).toBeUndefined();
  });

  it('keeps no answer over its size cap, and forgets after the TTL', () => {
    const cache = createPromptCache(60_000);
    const key = cache.key('ann', 'm', messages);
    cache.put(key, { ...answer, answer: 'x'.repeat(MAX_CACHED_ANSWER + 1) }, 0);
    expect(cache.get(key, 1)).toBeUndefined();
    cache.put(key, answer, 0);
    expect(cache.get(key, 60_000)).toBeUndefined();
  });
});
