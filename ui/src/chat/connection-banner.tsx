// Says so while the page is not connected, and when it will try again; quiet when all is well.
// Beside it, always on the page (the sidebar is hidden on a phone), the live region that
// announces direct messages arriving elsewhere.
import { WifiOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import { DmAnnouncer } from './announcer.tsx';
import { useChat } from './use-chat.tsx';

export function ConnectionBanner() {
  const status = useChat((s) => s.status);
  const retryAt = useChat((s) => s.retryAt);
  const [now, setNow] = useState(Date.now());
  // The first "connecting" after opening the page is not news; only a lost connection is.
  const [wasOnline, setWasOnline] = useState(false);

  useEffect(() => {
    if (status === 'online') setWasOnline(true);
    if (status !== 'offline') return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [status]);

  if (status === 'online' || (status === 'connecting' && !wasOnline)) return <DmAnnouncer />;
  const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
  return (
    <>
      <DmAnnouncer />
      <div
        role="status"
        data-testid="connection"
        className="flex items-center justify-center gap-2 bg-amber-100 px-3 py-1.5 text-sm text-amber-900"
      >
        <WifiOff className="size-4" aria-hidden="true" />
        {status === 'connecting' || seconds === 0
          ? 'Offline. Reconnecting…'
          : `Offline. Reconnecting in ${seconds} s…`}
      </div>
    </>
  );
}
