// The notification centre's button, with the unread count, in the sidebar's header. It keeps
// the centre live for the whole page: it reads it once, again on every push, and while the tab
// is hidden it also tells the browser, if the member allowed it.
import { Bell } from 'lucide-react';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Button } from '../components/ui/button.tsx';
import { navigate, usePath } from '../lib/route.ts';
import { useLive } from '../socket/live.tsx';
import { parseHomeFrame } from './frames.ts';
import { NotificationPanel } from './notification-panel.tsx';
import { home, reload, useHome } from './store.ts';
import { notificationTitle } from './words.ts';

export function NotificationBell() {
  useHomeLive();
  useReadWhereLooking();
  const unread = useHome((s) => s.page?.unread ?? 0);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    // Focus goes back to where the centre was opened from.
    button.current?.focus();
  };
  return (
    <div className="relative">
      <Button
        ref={button}
        variant="ghost"
        size="icon-sm"
        aria-label={`Notifications, ${unread} unread`}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? 'notification-centre' : undefined}
        data-testid="notification-bell"
        onClick={() => (open ? close() : setOpen(true))}
        className="relative"
      >
        <Bell aria-hidden="true" />
        {unread > 0 && (
          <span
            aria-hidden="true"
            className="absolute -top-1 -right-1 min-w-4 rounded-full bg-primary px-1 text-center text-[10px] font-semibold leading-4 text-primary-foreground"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </Button>
      {open && <NotificationPanel onClose={close} anchor={button} />}
    </div>
  );
}

function useHomeLive() {
  const live = useLive();
  useEffect(() => {
    void reload();
    const off = live.onOtherFrame((data) => {
      const frame = parseHomeFrame(data);
      if (!frame) return;
      if ((frame.type === 'home' && frame.event === 'feed_changed') || frame.event === 'boards_changed') {
        home.feedChanged();
        return;
      }
      if (frame.type === 'home' && frame.event === 'notification') {
        const n = frame.notification;
        // A message in the conversation the member is looking at is not news: it is read.
        if (
          (n.kind === 'dm' || n.kind === 'mention') &&
          window.location.pathname === n.link &&
          document.visibilityState === 'visible'
        ) {
          void home.markOne(n).catch(() => reload());
          return;
        }
        tellBrowser(n);
      }
      void reload();
      if (frame.type === 'play') home.feedChanged();
    });
    // Pushes missed before the socket was up (the first read may come before it), or while it
    // was down: read again each time it comes online.
    let status = live.status();
    const offStatus = live.subscribe(() => {
      const now = live.status();
      if (now === 'online' && status !== 'online') {
        void reload();
        home.feedChanged();
      }
      status = now;
    });
    return () => {
      off();
      offStatus();
      home.reset();
    };
  }, [live]);
}

/**
 * Messages are news only while you are elsewhere: opening the conversation a mention or a DM
 * came from reads its notifications; but only while the tab is seen (a conversation left open
 * in a background tab reads nothing), and again when it comes back into view.
 */
function useReadWhereLooking() {
  const path = usePath();
  const page = useHome((s) => s.page);
  const visible = useSyncExternalStore(onVisibility, () => document.visibilityState === 'visible');
  useEffect(() => {
    if (!visible) return;
    for (const n of page?.notifications ?? [])
      if (!n.read && (n.kind === 'dm' || n.kind === 'mention') && n.link === path)
        void home.markOne(n).catch(() => undefined);
  }, [path, page, visible]);
}

function onVisibility(changed: () => void) {
  document.addEventListener('visibilitychange', changed);
  return () => document.removeEventListener('visibilitychange', changed);
}

/** While the tab is hidden, the browser tells: only when the member allowed it (the centre asks). */
function tellBrowser(n: Parameters<typeof notificationTitle>[0]) {
  if (document.visibilityState !== 'hidden') return;
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const shown = new Notification(notificationTitle(n), { body: n.body, tag: n.id });
    shown.onclick = () => {
      window.focus();
      navigate(n.link);
      shown.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the centre still has it.
  }
}
