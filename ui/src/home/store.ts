// The notification centre's state for this page: the list, the unread count and the muted
// kinds, read from the server and again whenever the socket says something changed (a new
// notification, a read on another tab, a level reached). The bell, always on the page, keeps
// it live (useHomeLive); Home and the panel read it.
import { useSyncExternalStore } from 'react';
import type { NotificationItem, NotificationsPage } from '../../../contracts/home.api.ts';
import type { NotificationKind } from '../../../contracts/home.schema.ts';
import { errorMessage } from '../lib/http.ts';
import { getNotifications, markAllRead, markRead, setMuted } from './api.ts';

export type HomeState = {
  page: NotificationsPage | null;
  error: string | null;
  /** Bumped when the feed moved: Home reads it again. */
  feedVersion: number;
};

let state: HomeState = { page: null, error: null, feedVersion: 0 };
const listeners = new Set<() => void>();
const set = (next: Partial<HomeState>) => {
  state = { ...state, ...next };
  for (const l of listeners) l();
};

async function read(after: number | undefined): Promise<void> {
  try {
    set({ page: await getNotifications(after), error: null });
  } catch (err) {
    set({ error: errorMessage(err) });
  }
}

let loading: Promise<void> | null = null;
/**
 * Asked for while a read was under way: one more read after it, which waits for the furthest
 * position any of them asked for (a mark-all's, say, whose push came first).
 */
let queued: { after: number | undefined; done: Promise<void> } | null = null;

const further = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Reads the centre again; calls that come while one is under way make one more, not many. */
export function reload(after?: number): Promise<void> {
  if (!loading) {
    loading = read(after).finally(() => {
      loading = null;
    });
    return loading;
  }
  if (queued) {
    queued.after = further(queued.after, after);
    return queued.done;
  }
  const q: { after: number | undefined; done: Promise<void> } = { after, done: Promise.resolve() };
  q.done = loading.then(() => {
    queued = null;
    return reload(q.after);
  });
  queued = q;
  return q.done;
}

export const home = {
  subscribe: (l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  get: () => state,
  reset: () => {
    state = { page: null, error: null, feedVersion: 0 };
  },
  feedChanged: () => set({ feedVersion: state.feedVersion + 1 }),
  markAll: async () => {
    const { seq } = await markAllRead();
    await reload(seq);
  },
  markOne: async (n: NotificationItem) => {
    if (n.read) return;
    const { seq } = await markRead(n.id);
    await reload(seq);
  },
  setMuted: async (muted: NotificationKind[]) => {
    const { seq } = await setMuted(muted);
    await reload(seq);
  },
};

export function useHome<T>(select: (s: HomeState) => T): T {
  return useSyncExternalStore(home.subscribe, () => select(state));
}
