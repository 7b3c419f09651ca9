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

  it('lets go of an entry it wrote, so a change through another edge heard after it is not lost', async () => {
    const rm = readModel();
    rm.rows.set('ann', { ...row(3, 'llama3.2'), assistant_prompt: 'Be brief.' });
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    memory.hearing(true);
    await memory.get('ann');
    // This edge's PATCH stored at 6; another edge's change, stored at 5, is heard only now.
    memory.wrote('ann', 6);
    memory.changed('ann', 5, { assistant_model: 'mistral' });
    // The read model still lags the write: read, used, not kept.
    rm.rows.set('ann', { ...row(5, 'mistral'), assistant_prompt: 'Be brief.' });
    expect((await memory.get('ann')).seq).toBe(5);
    rm.rows.set('ann', { ...row(6, 'mistral'), assistant_prompt: 'Be long.' });
    expect(await memory.get('ann')).toMatchObject({
      assistant_model: 'mistral',
      assistant_prompt: 'Be long.',
    });
    await memory.get('ann');
    expect(rm.state.reads).toBe(3);
  });

  it('reads everyone again after a missed event or a rewritten read model', async () => {
    const rm = readModel();
    rm.rows.set('ann', row(3, 'a'));
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    memory.hearing(true);
    await memory.get('ann');
    rm.rows.set('ann', row(4, 'b'));
    memory.lost();
    expect((await memory.get('ann')).assistant_model).toBe('b');
    rm.rows.set('ann', row(5, 'c'));
    memory.reset();
    expect((await memory.get('ann')).assistant_model).toBe('c');
    await memory.get('ann');
    expect(rm.state.reads).toBe(3);
  });

  it('on a new stream forgets the sequences heard on the old one', async () => {
    const rm = readModel();
    const memory = createPreferencesMemory({ load: rm.load, now: () => 0 });
    memory.hearing(true);
    memory.changed('ann', 900, { assistant_model: 'old stream' });
    rm.rows.set('ann', row(2, 'new stream'));
    memory.reset({ newStream: true });
    await memory.get('ann');
    // Kept: 2 is not below anything heard on this stream.
    expect((await memory.get('ann')).assistant_model).toBe('new stream');
    expect(rm.state.reads).toBe(1);
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
