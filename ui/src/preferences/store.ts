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

type Change = Partial<MemberPreferences>;
type Batch = { body: PreferencesPatchBody; done: { resolve: () => void; reject: (err: unknown) => void }[] };

/** What the server last told (a load, an answer, pushes since); null until the first load. */
let confirmed: MemberPreferences | null = null;
/** Pushes heard before the first load answered: kept, and applied over what it brings. */
let early: Change = {};
/** One change on its way at a time; the ones made meanwhile wait, folded into one. */
let sending: Batch | null = null;
let queued: Batch | null = null;
/** Pushes heard while a request is out, each request's own: the answer may predate them. */
const heard = new Set<Change>();
/** Counts requests as they start; applied: a read asked before it is older than what is shown. */
let started = 0;
let applied = 0;
let signedOutAt = 0;

/** The fields a change sets (an absent one is not a change). */
const fields = (change: PreferencesPatchBody | Change): Change =>
  Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as Change;

/** What the page shows: what the server said, with the changes not yet answered over it. */
const show = () =>
  set({
    preferences: confirmed && { ...confirmed, ...fields(sending?.body ?? {}), ...fields(queued?.body ?? {}) },
  });

/** A request's answer, over which go the pushes heard meanwhile (but not over what it sent). */
const confirm = (answer: MemberPreferences, since: Change, sent: PreferencesPatchBody = {}) => {
  const later = fields(since);
  for (const key of Object.keys(fields(sent))) delete later[key as keyof Change];
  confirmed = { ...answer, ...early, ...later };
  early = {};
};

/** Sends the waiting changes, one request at a time, until none wait. */
async function send(): Promise<void> {
  if (sending || !queued) return;
  const batch = queued;
  sending = batch;
  queued = null;
  const since: Change = {};
  heard.add(since);
  const at = ++started;
  try {
    const answer = await patchPreferences(batch.body);
    heard.delete(since);
    // Any read asked before now is older than this answer.
    applied = ++started;
    // Signed out meanwhile: nothing of it is shown.
    if (at > signedOutAt) confirm(answer.preferences, since, batch.body);
    sending = null;
    show();
    for (const d of batch.done) d.resolve();
  } catch (err) {
    heard.delete(since);
    sending = null;
    // Refused: what the server has is read again, then the change's callers hear why.
    await preferencesStore.load();
    for (const d of batch.done) d.reject(err);
  }
  await send();
}

export const preferencesStore = {
  /** What the page shows now. */
  get: (): PreferencesState => state,
  /** Reads them from the server (at start, and after the socket was away). */
  load: async (): Promise<void> => {
    const since: Change = {};
    heard.add(since);
    const at = ++started;
    try {
      const answer = await getPreferences();
      // A change answered since this read started is newer than what it brings.
      if (at < applied) return;
      applied = Math.max(applied, at);
      confirm(answer.preferences, since);
      set({ error: null });
      show();
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      heard.delete(since);
    }
  },
  /** What a push says changed. */
  merge: (change: Change): void => {
    for (const since of heard) Object.assign(since, change);
    if (!confirmed) {
      early = { ...early, ...fields(change) };
      return;
    }
    confirmed = { ...confirmed, ...fields(change) };
    show();
  },
  /**
   * Changes them: shown at once (a theme applies as it is picked), then sent once the change
   * before it is answered, with any made meanwhile (the last word on each field wins).
   * Resolves once the server has it; refused, they are read again and it throws.
   */
  save: (change: PreferencesPatchBody): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      queued = {
        body: { ...queued?.body, ...fields(change) },
        done: [...(queued?.done ?? []), { resolve, reject }],
      };
      show();
      void send();
    }),
  /** Signed out: the page goes back to the device's theme. */
  reset: (): void => {
    state = { preferences: null, error: null };
    confirmed = null;
    early = {};
    // Changes not sent are dropped with the session: their callers are not left waiting.
    for (const d of queued?.done ?? []) d.resolve();
    queued = null;
    applied = signedOutAt = ++started;
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
