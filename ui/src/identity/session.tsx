// Who is signed in, for the whole page. The session lives in an http-only cookie; the page
// only ever asks the edge who it is.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { SessionEndedFrame } from '../../../contracts/chat.frames.ts';
import { REFUSED_EVENT } from '../lib/http.ts';
import { getSession, signOut as signOutRequest, type User } from './api.ts';
import { type BanNotice, banOfSession, rememberBan, rememberedBan } from './ban.ts';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; error?: string; ban?: BanNotice }
  | { status: 'signed-in'; user: User };

type SessionContextValue = {
  state: SessionState;
  /** Ask the edge again (after sign-in or sign-up). */
  refresh: () => Promise<User | null>;
  signOut: () => Promise<void>;
  /** The edge said the session is gone (expired, revoked, banned: then `why` says so). */
  ended: (why?: SessionEndedFrame) => void;
  /** The edge said this person's role changed (a socket frame): the page takes it at once. */
  roleChanged: (role: string) => void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const user = await getSession();
      // Signed in again: whatever ban this tab was told of is over.
      if (user) rememberBan(undefined);
      const ban = user ? undefined : rememberedBan();
      setState(
        user ? { status: 'signed-in', user } : ban ? { status: 'signed-out', ban } : { status: 'signed-out' },
      );
      return user;
    } catch {
      setState({ status: 'signed-out', error: 'Hearth cannot be reached right now.' });
      return null;
    }
  }, []);

  const roleChanged = useCallback((role: string) => {
    setState((s) =>
      s.status === 'signed-in' && s.user.role !== role ? { ...s, user: { ...s.user, role } } : s,
    );
  }, []);

  const signOut = useCallback(async () => {
    await signOutRequest().catch(() => undefined);
    setState({ status: 'signed-out' });
  }, []);

  const ended = useCallback((why?: SessionEndedFrame) => {
    const ban = banOfSession(why);
    rememberBan(ban);
    setState(
      ban
        ? { status: 'signed-out', ban }
        : { status: 'signed-out', error: 'Your session has ended. Please sign in again.' },
    );
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A refusal may mean the role changed while the page was away: learn the role again.
  useEffect(() => {
    const again = () => void refresh();
    window.addEventListener(REFUSED_EVENT, again);
    return () => window.removeEventListener(REFUSED_EVENT, again);
  }, [refresh]);

  const value = useMemo(
    () => ({ state, refresh, signOut, ended, roleChanged }),
    [state, refresh, signOut, ended, roleChanged],
  );
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
