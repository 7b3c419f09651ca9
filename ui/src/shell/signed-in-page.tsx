// The signed-in page, where the domains meet: the sidebar (chat's channels and the way to
// play) beside the main pane, which shows a conversation or play's screens, side by side on a
// wide screen and one at a time on a phone (the path says which). Chat's client keeps the
// socket; play hears it through the live connection.
import { Bot, House, Images, Settings2, Trophy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { ConsolePage } from '../admin/console-page.tsx';
import { ASSISTANT_PATH, AssistantPage } from '../assistant/assistant-page.tsx';
import { createChatClient } from '../chat/client.ts';
import { ConnectionBanner } from '../chat/connection-banner.tsx';
import { Conversation } from '../chat/conversation.tsx';
import { unreadOf } from '../chat/model.ts';
import { Sidebar } from '../chat/sidebar.tsx';
import { ChatProvider, useChat, useChatClient } from '../chat/use-chat.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { HomePage } from '../home/home-page.tsx';
import { NotificationBell } from '../home/notification-bell.tsx';
import type { User } from '../identity/api.ts';
import { loadPeople } from '../identity/people.ts';
import { PermissionsProvider, useCan } from '../identity/permissions.tsx';
import { useSession } from '../identity/session.tsx';
import { takeWelcome } from '../identity/welcome.ts';
import { setAvatarImage } from '../lib/avatars.ts';
import { navigate } from '../lib/route.ts';
import { PageTitle, setWaiting } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { GalleryPage } from '../media/gallery-page.tsx';
import { PlayPage } from '../play/play-page.tsx';
import { PlayProvider } from '../play/store.tsx';
import { PlayToasts } from '../play/toasts.tsx';
import { PreferencesLive } from '../preferences/live.tsx';
import { SettingsPage } from '../preferences/settings-page.tsx';
import { LiveProvider } from '../socket/live.tsx';
import { NavLink } from './nav-link.tsx';

const WIDE = '(min-width: 768px)';

/** What the main pane shows: a conversation, or a page of its own (the path decides). */
export type Pane =
  | { kind: 'none' }
  | { kind: 'channel'; channelId: string }
  | { kind: 'home' }
  | { kind: 'play'; path: string }
  | { kind: 'console'; path: string }
  | { kind: 'gallery'; path: string }
  | { kind: 'settings' }
  | { kind: 'assistant' };

export function SignedInPage({ user, pane }: { user: User; pane: Pane }) {
  const { ended, roleChanged } = useSession();
  const [client] = useState(() =>
    createChatClient({
      me: user.id,
      loadPeople,
      onSessionEnded: ended,
      onRole: roleChanged,
    }),
  );
  // The session knows the member's own picture before the directory is in.
  useState(() => setAvatarImage(user.id, user.image));
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);

  return (
    <PermissionsProvider role={user.role}>
      <LiveProvider live={client.live}>
        <ChatProvider client={client}>
          <PlayProvider me={user.id}>
            <Layout user={user} pane={pane} />
            <PlayToasts />
            <PreferencesLive />
          </PlayProvider>
        </ChatProvider>
      </LiveProvider>
    </PermissionsProvider>
  );
}

function Layout({ user, pane }: { user: User; pane: Pane }) {
  const channels = useChat((s) => s.channels);
  const channelId = pane.kind === 'channel' ? pane.channelId : null;

  // On a wide screen there is room for a page from the start: Home. On a phone the sidebar is
  // the page until something is picked.
  useEffect(() => {
    if (pane.kind === 'none' && window.matchMedia(WIDE).matches) navigate('/home', { replace: true });
  }, [pane.kind]);

  // The tab says when something is waiting, even while another tab is in front.
  useEffect(() => {
    setWaiting(Object.values(channels).reduce((n, c) => n + unreadOf(c), 0));
  }, [channels]);

  // A new page takes focus to its heading, so a screen reader says where you are and the
  // keyboard starts from there. The first page after a load keeps the browser's own start.
  const place = pane.kind === 'channel' ? `c/${pane.channelId}` : 'path' in pane ? pane.path : pane.kind;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!place) return;
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) return;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [place]);

  const open = pane.kind !== 'none';
  return (
    <div className="flex h-dvh flex-col">
      <ConnectionBanner />
      <Welcome user={user} />
      <Notice />
      <div className="flex min-h-0 flex-1">
        <aside
          className={cn('w-full shrink-0 border-r bg-muted/30 md:flex md:w-72', open ? 'hidden' : 'flex')}
          aria-label="Sidebar"
        >
          <Sidebar
            me={user}
            activeId={channelId}
            nav={<PageLinks pane={pane} />}
            headerEnd={<NotificationBell />}
          />
        </aside>
        <main className={cn('min-w-0 flex-1 flex-col', open ? 'flex' : 'hidden md:flex')}>
          {pane.kind === 'play' ? (
            <PlayPage me={user} path={pane.path} />
          ) : pane.kind === 'channel' ? (
            <Conversation key={pane.channelId} me={user} channelId={pane.channelId} />
          ) : pane.kind === 'home' ? (
            <HomePage me={user} />
          ) : pane.kind === 'console' ? (
            <ConsolePage me={user} path={pane.path} />
          ) : pane.kind === 'gallery' ? (
            <GalleryPage me={user} path={pane.path} />
          ) : pane.kind === 'settings' ? (
            <SettingsPage />
          ) : pane.kind === 'assistant' ? (
            <AssistantPage />
          ) : (
            <div className="flex flex-1 items-center justify-center text-sm text-muted-foreground">
              <PageTitle name="Channels" />
              Pick a channel to start talking.
            </div>
          )}
        </main>
      </div>
    </div>
  );
}

/** The sidebar's own pages: Home, Play and the gallery for everyone, the console for those it serves. */
function PageLinks({ pane }: { pane: Pane }) {
  const admin = useCan('user.list');
  const assistant = useCan('assistant.use');
  return (
    <>
      <NavLink href="/home" current={pane.kind === 'home'} icon={<House />} label="Home" />
      <NavLink
        href="/play"
        current={pane.kind === 'play'}
        icon={<Trophy />}
        label="Play"
        hint="levels, chores, games"
      />
      <NavLink
        href="/gallery"
        current={pane.kind === 'gallery'}
        icon={<Images />}
        label="Gallery"
        hint="photos, albums"
      />
      {assistant && (
        <NavLink
          href={ASSISTANT_PATH}
          current={pane.kind === 'assistant'}
          icon={<Bot />}
          label="Assistant"
          requires="assistant.use"
        />
      )}
      {admin && (
        <NavLink
          href="/admin"
          current={pane.kind === 'console'}
          icon={<Settings2 />}
          label="Family console"
          requires="user.list"
        />
      )}
    </>
  );
}

function Welcome({ user }: { user: User }) {
  const [welcome, setWelcome] = useState(() => takeWelcome(user.id));
  if (!welcome) return null;
  return (
    <Alert className="rounded-none border-x-0 border-t-0 bg-orange-50" data-testid="welcome">
      <div className="flex items-center gap-2">
        <span className="flex-1">
          Welcome, {user.name}!{' '}
          {welcome.admin
            ? 'You are the first one here, so you are this Hearth’s admin: you manage the family’s accounts.'
            : 'Say hello to your family in the family channel.'}
        </span>
        <Button variant="ghost" size="sm" onClick={() => setWelcome(null)}>
          Got it
        </Button>
      </div>
    </Alert>
  );
}

function Notice() {
  const client = useChatClient();
  const notice = useChat((s) => s.notice);
  if (!notice) return null;
  return (
    <Alert variant="destructive" className="flex items-center gap-2 rounded-none border-x-0 border-t-0">
      <span className="flex-1">{notice}</span>
      <Button variant="ghost" size="sm" onClick={client.dismissNotice}>
        Dismiss
      </Button>
    </Alert>
  );
}
