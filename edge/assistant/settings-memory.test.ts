import { describe, expect, it } from 'vitest';
import type { StoredSettings } from '../../projectors/assistant-conversations/queries.ts';
import type { StoredEvent } from '../../writers/log/decode.ts';
import { createSettingsMemory, settingsOf } from './settings-memory.ts';

const at = (version: number, models: string[] = []): StoredSettings => ({
  version,
  allowed_models: [{ role: 'child', models }],
  quotas: [],
});

/** A read model whose answers the test sets, counting how often it is asked. */
function readModel(first: StoredSettings) {
  const state = { answer: first, reads: 0 };
  return {
    state,
    load: async () => {
      state.reads++;
      return state.answer;
    },
  };
}

describe('the assistant settings held in memory', () => {
  it('asks the read model once for a burst of prompts, then answers from memory while fresh', async () => {
    let now = 0;
    const rm = readModel(at(1, ['a']));
    const memory = createSettingsMemory({ load: rm.load, maxAgeMs: 1000, now: () => now });
    const burst = await Promise.all(Array.from({ length: 16 }, () => memory.get()));
    expect(burst.every((s) => s.version === 1)).toBe(true);
    expect(rm.state.reads).toBe(1);
    now = 999;
    await memory.get();
    expect(rm.state.reads).toBe(1);
    now = 1000;
    rm.state.answer = at(2, ['b']);
    expect(await memory.get()).toEqual(at(2, ['b']));
    expect(rm.state.reads).toBe(2);
  });

  it('holds a change heard or made here at once, without asking the read model', async () => {
    const rm = readModel(at(1));
    const memory = createSettingsMemory({ load: rm.load, maxAgeMs: 60_000, now: () => 0 });
    await memory.get();
    memory.changed(at(2, ['llama3.2']));
    expect(await memory.get()).toEqual(at(2, ['llama3.2']));
    expect(rm.state.reads).toBe(1);
  });

  it('never puts older settings back: not from a read model that lags, nor from an old event', async () => {
    let now = 0;
    const rm = readModel(at(1, ['old']));
    const memory = createSettingsMemory({ load: rm.load, maxAgeMs: 1000, now: () => now });
    memory.changed(at(3, ['new']));
    memory.changed(at(2, ['older']));
    expect(await memory.get()).toEqual(at(3, ['new']));
    now = 5000;
    // Stale by age: the read model is asked, and its lagging answer loses to what was heard.
    expect(await memory.get()).toEqual(at(3, ['new']));
    expect(rm.state.reads).toBe(1);
  });

  it('reads again after a missed change, still never going back a version', async () => {
    const rm = readModel(at(2, ['read']));
    const memory = createSettingsMemory({ load: rm.load, maxAgeMs: 60_000, now: () => 0 });
    memory.changed(at(3, ['heard']));
    memory.stale();
    expect(await memory.get()).toEqual(at(3, ['heard']));
    rm.state.answer = at(4, ['missed']);
    memory.stale();
    expect(await memory.get()).toEqual(at(4, ['missed']));
    expect(rm.state.reads).toBe(2);
  });

  it('on a reset (a new stream, a rewritten read model) holds nothing, not even its version', async () => {
    const rm = readModel(at(1, ['new stream']));
    const memory = createSettingsMemory({ load: rm.load, maxAgeMs: 60_000, now: () => 0 });
    memory.changed(at(7, ['old stream']));
    memory.reset();
    expect(await memory.get()).toEqual(at(1, ['new stream']));
    expect(await memory.get()).toEqual(at(1, ['new stream']));
    expect(rm.state.reads).toBe(1);
  });

  it('does not keep a read begun before a reset', async () => {
    let answer = (_: StoredSettings) => {};
    const answers = [at(5, ['before'])];
    let reads = 0;
    const memory = createSettingsMemory({
      load: () => {
        reads++;
        const next = answers.shift();
        if (next) return Promise.resolve(next);
        return new Promise<StoredSettings>((resolve) => {
          answer = resolve;
        });
      },
      maxAgeMs: 60_000,
      now: () => 0,
    });
    const early = memory.get();
    memory.reset();
    expect(await early).toEqual(at(5, ['before']));
    const late = memory.get();
    answer(at(1, ['after']));
    expect(await late).toEqual(at(1, ['after']));
    expect(reads).toBe(2);
  });

  it('lets a failed read fail the prompt, and asks again for the next', async () => {
    let fail = true;
    const memory = createSettingsMemory({
      load: async () => {
        if (fail) throw new Error('database away');
        return at(1);
      },
      now: () => 0,
    });
    await expect(memory.get()).rejects.toThrow('database away');
    fail = false;
    expect(await memory.get()).toEqual(at(1));
  });
});

describe('the settings an event carries', () => {
  it('are read as the read model stores them; other events carry none', () => {
    const changed = {
      event: {
        case: 'settingsChanged',
        value: {
          version: 4,
          allowedModels: [{ role: 'child', models: ['llama3.2'] }],
          quotas: [{ memberId: 'ann', tokensPerDay: 10, requestsPerMinute: 2 }],
        },
      },
    } as unknown as StoredEvent;
    expect(settingsOf(changed)).toEqual({
      version: 4,
      allowed_models: [{ role: 'child', models: ['llama3.2'] }],
      quotas: [{ member_id: 'ann', tokens_per_day: 10, requests_per_minute: 2 }],
    });
    expect(
      settingsOf({ event: { case: 'promptSubmitted', value: {} } } as unknown as StoredEvent),
    ).toBeNull();
  });
});
