// The page: who is signed in decides what shows; the path decides where.
import { Flame } from 'lucide-react';
import { useEffect } from 'react';
import { AuthPage } from './identity/auth-page.tsx';
import { SessionProvider, useSession } from './identity/session.tsx';
import { navigate, usePath } from './lib/route.ts';
import { isPlayPath } from './play/play-page.tsx';
import { SignedInPage } from './shell/signed-in-page.tsx';

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}

const AUTH_PATHS = ['/sign-in', '/sign-up'];

function Screens() {
  const { state } = useSession();
  const path = usePath();
  const signedIn = state.status === 'signed-in';
  const onAuthPath = AUTH_PATHS.includes(path);

  useEffect(() => {
    if (state.status === 'signed-out' && !onAuthPath) navigate('/sign-in', { replace: true });
    if (signedIn && onAuthPath) navigate('/', { replace: true });
  }, [state.status, signedIn, onAuthPath]);

  if (state.status === 'loading') return <Splash />;
  if (state.status === 'signed-out') return <AuthPage mode={path === '/sign-up' ? 'sign-up' : 'sign-in'} />;
  const channel = /^\/c\/([A-Za-z0-9_-]{1,128})$/.exec(path)?.[1] ?? null;
  // One page for chat and play (and one socket): the sidebar stays, play takes the main pane.
  return (
    <SignedInPage
      key={state.user.id}
      user={state.user}
      channelId={channel}
      playPath={isPlayPath(path) ? path : null}
    />
  );
}

function Splash() {
  return (
    <div className="flex h-full items-center justify-center text-primary" aria-busy="true">
      <Flame className="size-8 animate-pulse" aria-label="Loading Hearth" />
    </div>
  );
}
