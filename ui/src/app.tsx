// The page: who is signed in decides what shows; the path decides where.
import { Flame } from 'lucide-react';
import { useEffect } from 'react';
import { isConsolePath } from './admin/console-page.tsx';
import { ASSISTANT_PATH } from './assistant/assistant-page.tsx';
import { AuthPage } from './identity/auth-page.tsx';
import { SessionProvider, useSession } from './identity/session.tsx';
import { navigate, usePath } from './lib/route.ts';
import { isGalleryPath } from './media/gallery-page.tsx';
import { isPlayPath } from './play/play-page.tsx';
import { SETTINGS_PATH } from './preferences/settings-page.tsx';
import { type Pane, SignedInPage } from './shell/signed-in-page.tsx';

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
    if (signedIn && onAuthPath) navigate('/home', { replace: true });
  }, [state.status, signedIn, onAuthPath]);

  if (state.status === 'loading') return <Splash />;
  if (state.status === 'signed-out') return <AuthPage mode={path === '/sign-up' ? 'sign-up' : 'sign-in'} />;
  // One page for every signed-in screen (and one socket): the sidebar stays, the path picks
  // what the main pane shows.
  return <SignedInPage key={state.user.id} user={state.user} pane={paneOf(path)} />;
}

function paneOf(path: string): Pane {
  const channel = /^\/c\/([A-Za-z0-9_-]{1,128})$/.exec(path)?.[1];
  if (channel) return { kind: 'channel', channelId: channel };
  if (path === '/home') return { kind: 'home' };
  if (path === SETTINGS_PATH) return { kind: 'settings' };
  if (path === ASSISTANT_PATH) return { kind: 'assistant' };
  if (isPlayPath(path)) return { kind: 'play', path };
  if (isConsolePath(path)) return { kind: 'console', path };
  if (isGalleryPath(path)) return { kind: 'gallery', path };
  return { kind: 'none' };
}

function Splash() {
  return (
    <div className="flex h-full items-center justify-center text-primary" aria-busy="true">
      <Flame className="size-8 animate-pulse" aria-label="Loading Hearth" />
    </div>
  );
}
