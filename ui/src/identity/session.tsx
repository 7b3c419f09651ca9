// Who is signed in, for the whole page. The session lives in an http-only cookie; the page
// only ever asks the edge who it is.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getSession, signOut as signOutRequest, type User } from './api.ts';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; error?: string }
  | { status: 'signed-in'; user: User };

type SessionContextValue = {
  state: SessionState;
  /** Ask the edge again (after sign-in or sign-up). */
  refresh: () => Promise<User | null>;
  signOut: () => Promise<void>;
  /** The edge said the session is gone (expired, revoked, banned). */
  ended: (reason?: string) => void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const user = await getSession();
      setState(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      return user;
    } catch {
      setState({ status: 'signed-out', error: 'Hearth cannot be reached right now.' });
      return null;
    }
  }, []);

  const signOut = useCallback(async () => {
    await signOutRequest().catch(() => undefined);
    setState({ status: 'signed-out' });
  }, []);

  const ended = useCallback((reason?: string) => {
    setState(reason ? { status: 'signed-out', error: reason } : { status: 'signed-out' });
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo(() => ({ state, refresh, signOut, ended }), [state, refresh, signOut, ended]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for components rendered behind the sign-in gate. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
