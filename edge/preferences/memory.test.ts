import { describe, expect, it } from 'vitest';
import { defaultPreferences, type StoredPreferences } from '../../projectors/preferences-members/queries.ts';
import { createPreferencesMemory } from './memory.ts';

/** A read model whose rows the test sets, counting how often it is asked. */
function readModel() {
  const rows = new Map<string, StoredPreferences>();
  const state = { reads: 0 };
  return {
    rows,
    state,
    load: async (memberId: string) => {
      state.reads++;
      return rows.get(memberId) ?? defaultPreferences(memberId);
    },
  };
}
const row = (seq: number, assistant_model: string): StoredPreferences => ({
  ...defaultPreferences('ann'),
  assistant_model,
  seq,
});

describe('members’ preferences held in memory', () => {
  it('reads a member once, then answers from memory while fresh', async () => {
    let now = 0;
    const rm = readModel();
    rm.rows.set('ann', row(3, 'llama3.2'));
    const memory = createPreferencesMemory({ load: rm.load, maxAgeMs: 1000, now: () => now });
    memory.hearing(true);
    expect((await memory.get('ann')).assistant_model).toBe('llama3.2');
    expect((await memory.get('ann')).assistant_model).toBe('llama3.2');
    expect(rm.state.reads).toBe(1);
    now = 1000;
    await memory.get('ann');
    expect(rm.state.reads).toBe(2);
  });

  it('applies a change at once, only the fields it carries, and never an older one', async () => {
    const rm = readModel();
    rm.rows.set('ann', { ...row(3, 'llama3.2'), assistant_prompt: 'Be brief.' });
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    memory.hearing(true);
    await memory.get('ann');
    memory.changed('ann', 5, { assistant_model: 'mistral' });
    memory.changed('ann', 4, { assistant_model: 'older' });
    expect(await memory.get('ann')).toMatchObject({
      assistant_model: 'mistral',
      assistant_prompt: 'Be brief.',
      seq: 5,
    });
    expect(rm.state.reads).toBe(1);
  });

  it('uses a read of a read model that lags a change heard, but does not keep it', async () => {
    const rm = readModel();
    rm.rows.set('ann', row(3, 'old'));
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    memory.hearing(true);
    memory.changed('ann', 7, { assistant_model: 'new' });
    expect((await memory.get('ann')).assistant_model).toBe('old');
    rm.rows.set('ann', row(7, 'new'));
    expect((await memory.get('ann')).assistant_model).toBe('new');
    expect((await memory.get('ann')).assistant_model).toBe('new');
    expect(rm.state.reads).toBe(2);
  });

  it('keeps nothing of an erased member, and nothing while it does not hear the log', async () => {
    const rm = readModel();
    rm.rows.set('ann', { ...row(3, 'm'), assistant_prompt: 'Private words' });
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    await memory.get('ann');
    await memory.get('ann');
    expect(rm.state.reads).toBe(2);
    memory.hearing(true);
    await memory.get('ann');
    memory.erased('ann');
    rm.rows.set('ann', { ...row(3, 'm'), assistant_prompt: '' });
    expect((await memory.get('ann')).assistant_prompt).toBe('');
    await memory.get('ann');
    expect(rm.state.reads).toBe(5);
  });
});
