// What the page's live connection tells every part of the page, not chat alone: whether it is
// up, the family as far as the page knows them, and the frames that are not chat's (play's
// pushes), raw. Chat's client keeps the connection and provides this; play reads it, so
// neither imports the other.
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { Person } from '../identity/people.ts';
import type { ConnectionStatus } from './socket.ts';

export type Live = {
  subscribe: (listener: () => void) => () => void;
  status: () => ConnectionStatus;
  people: () => Record<string, Person>;
  /** Asks the server for the family again (a picker opening wants nobody banned since). */
  refreshPeople: () => Promise<void>;
  /** Frames nobody else on the page understands, as they arrived. */
  onOtherFrame: (listener: (data: string) => void) => () => void;
};

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ live, children }: { live: Live; children: ReactNode }) {
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** One thing the connection knows; the component re-renders when it changes. */
export function useLiveValue<T>(select: (live: Live) => T): T {
  const live = useLive();
  return useSyncExternalStore(live.subscribe, () => select(live));
}
