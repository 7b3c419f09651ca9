// The signed-in page, where the domains meet: the sidebar (chat's channels and the way to
// play) beside the main pane, which shows a conversation or play's screens, side by side on a
// wide screen and one at a time on a phone (the path says which). Chat's client keeps the
// socket; play hears it through the live connection.
import { useEffect, useState } from 'react';
import { createChatClient } from '../chat/client.ts';
import { ConnectionBanner } from '../chat/connection-banner.tsx';
import { Conversation } from '../chat/conversation.tsx';
import { unreadOf } from '../chat/model.ts';
import { Sidebar } from '../chat/sidebar.tsx';
import { ChatProvider, useChat, useChatClient } from '../chat/use-chat.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { loadPeople } from '../identity/people.ts';
import { useSession } from '../identity/session.tsx';
import { takeWelcome } from '../identity/welcome.ts';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';
import { PlayPage } from '../play/play-page.tsx';
import { PlayProvider } from '../play/store.tsx';
import { PlayToasts } from '../play/toasts.tsx';
import { LiveProvider } from '../socket/live.tsx';

const WIDE = '(min-width: 768px)';

export function SignedInPage({
  user,
  channelId,
  playPath = null,
}: {
  user: User;
  channelId: string | null;
  /** A /play path: play's screens take the main pane. */
  playPath?: string | null;
}) {
  const { ended, refresh } = useSession();
  const [client] = useState(() =>
    createChatClient({
      me: user.id,
      loadPeople,
      onSessionEnded: () => ended('Your session has ended. Please sign in again.'),
      onRole: () => void refresh(),
    }),
  );
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);

  return (
    <LiveProvider live={client.live}>
      <ChatProvider client={client}>
        <PlayProvider me={user.id}>
          <Layout user={user} channelId={channelId} playPath={playPath} />
          <PlayToasts />
        </PlayProvider>
      </ChatProvider>
    </LiveProvider>
  );
}

function Layout({
  user,
  channelId,
  playPath,
}: {
  user: User;
  channelId: string | null;
  playPath: string | null;
}) {
  const channels = useChat((s) => s.channels);
  const loaded = useChat((s) => s.channelsLoaded);

  // On a wide screen there is room for a conversation from the start: the family's.
  useEffect(() => {
    if (channelId || playPath || !loaded || !window.matchMedia(WIDE).matches) return;
    const first = channels.family ?? Object.values(channels)[0];
    if (first) navigate(`/c/${first.id}`, { replace: true });
  }, [channelId, playPath, loaded, channels]);

  // The tab says when something is waiting, even while another tab is in front.
  useEffect(() => {
    const waiting = Object.values(channels).reduce((n, c) => n + unreadOf(c), 0);
    document.title = waiting > 0 ? `(${waiting}) Hearth` : 'Hearth';
  }, [channels]);

  const open = channelId !== null || playPath !== null;
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
          <Sidebar me={user} activeId={channelId} playing={playPath !== null} />
        </aside>
        <main className={cn('min-w-0 flex-1 flex-col', open ? 'flex' : 'hidden md:flex')}>
          {playPath ? (
            <PlayPage me={user} path={playPath} />
          ) : channelId ? (
            <Conversation key={channelId} me={user} channelId={channelId} />
          ) : (
            <div className="flex flex-1 items-center justify-center text-sm text-muted-foreground">
              Pick a channel to start talking.
            </div>
          )}
        </main>
      </div>
    </div>
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
