// The preferences store: one change on its way at a time, those made meanwhile folded into
// the next; an answer never undoes a change made after it was asked; a read that started
// before a change was answered does not undo it; a push heard before the first read is kept.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFERENCES, type MemberPreferences } from '../../../contracts/preferences.api.ts';
import type { PreferencesPatchBody } from '../../../contracts/preferences.schema.ts';

type Held = { body?: PreferencesPatchBody; answer: (p: MemberPreferences) => void };
const patches: Held[] = [];
const reads: Held[] = [];
vi.mock('./api.ts', () => ({
  getPreferences: () =>
    new Promise((resolve) => {
      reads.push({ answer: (preferences) => resolve({ preferences, seq: 1 }) });
    }),
  patchPreferences: (body: PreferencesPatchBody) =>
    new Promise((resolve) => {
      patches.push({ body, answer: (preferences) => resolve({ preferences, seq: 2 }) });
    }),
}));
// The theme goes on <html>: a stand-in for the page's.
vi.stubGlobal('document', { documentElement: { dataset: {} } });

const { preferencesStore } = await import('./store.ts');
const shown = () => preferencesStore.get().preferences;
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
/** Reads them once, answered with `p`. */
const loaded = async (p: MemberPreferences) => {
  const load = preferencesStore.load();
  await settle();
  reads.at(-1)?.answer(p);
  await load;
};

beforeEach(() => {
  patches.length = 0;
  reads.length = 0;
  preferencesStore.reset();
});

describe('the preferences store', () => {
  it('sends one change at a time, folding those made meanwhile into the next', async () => {
    await loaded(DEFAULT_PREFERENCES);
    const first = preferencesStore.save({ muted_notifications: ['dm'] });
    const second = preferencesStore.save({ muted_notifications: ['dm', 'mention'] });
    const third = preferencesStore.save({ theme: 'dark' });
    await settle();
    expect(patches.map((p) => p.body)).toEqual([{ muted_notifications: ['dm'] }]);
    const latest = { theme: 'dark', muted_notifications: ['dm', 'mention'] };
    expect(shown()).toMatchObject(latest);
    // The first answer is older than the changes after it: they stay shown.
    patches[0]?.answer({ ...DEFAULT_PREFERENCES, muted_notifications: ['dm'] });
    await first;
    expect(shown()).toMatchObject(latest);
    await settle();
    expect(patches.map((p) => p.body)).toEqual([
      { muted_notifications: ['dm'] },
      { muted_notifications: ['dm', 'mention'], theme: 'dark' },
    ]);
    patches[1]?.answer({ ...DEFAULT_PREFERENCES, theme: 'dark', muted_notifications: ['dm', 'mention'] });
    await Promise.all([second, third]);
    expect(shown()).toMatchObject(latest);
    expect(patches).toHaveLength(2);
  });

  it('keeps a push heard before the first read answered', async () => {
    const load = preferencesStore.load();
    await settle();
    preferencesStore.merge({ theme: 'dark' });
    expect(shown()).toBeNull();
    reads[0]?.answer(DEFAULT_PREFERENCES);
    await load;
    expect(shown()).toMatchObject({ theme: 'dark', language: 'en' });
  });

  it('does not let a read asked before a change was answered undo it', async () => {
    await loaded(DEFAULT_PREFERENCES);
    const saved = preferencesStore.save({ language: 'de' });
    await settle();
    const reread = preferencesStore.load();
    await settle();
    patches[0]?.answer({ ...DEFAULT_PREFERENCES, language: 'de' });
    await saved;
    // The read was asked after the change was sent, but is answered from before it.
    reads.at(-1)?.answer(DEFAULT_PREFERENCES);
    await reread;
    expect(shown()?.language).toBe('de');
  });

  it('keeps a push heard while a change was on its way, for the fields it did not send', async () => {
    await loaded(DEFAULT_PREFERENCES);
    const saved = preferencesStore.save({ language: 'de' });
    await settle();
    preferencesStore.merge({ theme: 'dark' });
    patches[0]?.answer({ ...DEFAULT_PREFERENCES, language: 'de' });
    await saved;
    expect(shown()).toMatchObject({ theme: 'dark', language: 'de' });
  });
});
