// The signed-in member's preferences on this page: read once, changed here or pushed by the
// socket (another tab, another device), and the theme applied to <html> as they change.
import { useSyncExternalStore } from 'react';
import type { MemberPreferences } from '../../../contracts/preferences.api.ts';
import type { PreferencesPatchBody, Theme } from '../../../contracts/preferences.schema.ts';
import { errorMessage } from '../lib/http.ts';
import { getPreferences, patchPreferences } from './api.ts';

export type PreferencesState = { preferences: MemberPreferences | null; error: string | null };

let state: PreferencesState = { preferences: null, error: null };
const listeners = new Set<() => void>();
const set = (next: Partial<PreferencesState>) => {
  state = { ...state, ...next };
  if (state.preferences) applyTheme(state.preferences.theme);
  for (const l of listeners) l();
};

/** The theme on <html> (ui/src/styles.css's dark variant): "system" follows the device. */
export function applyTheme(theme: Theme | null): void {
  const root = document.documentElement;
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
  else delete root.dataset.theme;
}

export const preferencesStore = {
  /** Reads them from the server (at start, and after the socket was away). */
  load: async (): Promise<void> => {
    try {
      set({ preferences: (await getPreferences()).preferences, error: null });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  /** What a push says changed. */
  merge: (change: Partial<MemberPreferences>): void => {
    if (state.preferences) set({ preferences: { ...state.preferences, ...change } });
  },
  /**
   * Changes them: shown at once (a theme applies as it is picked), then the server's answer,
   * the member's preferences with the change in them. Refused, they are read again.
   */
  save: async (change: PreferencesPatchBody): Promise<void> => {
    if (state.preferences) set({ preferences: { ...state.preferences, ...change } });
    try {
      set({ preferences: (await patchPreferences(change)).preferences });
    } catch (err) {
      await preferencesStore.load();
      throw err;
    }
  },
  /** Signed out: the page goes back to the device's theme. */
  reset: (): void => {
    state = { preferences: null, error: null };
    applyTheme(null);
  },
};

export function usePreferences<T>(select: (s: PreferencesState) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}
