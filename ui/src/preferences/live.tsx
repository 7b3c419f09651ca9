// Keeps the member's preferences live on the page: read at start and again when the socket is
// back (a change made meanwhile sent no frame here), merged from each push. Renders nothing.
import { useEffect, useRef } from 'react';
import { reload as reloadNotifications } from '../home/store.ts';
import { useLive, useLiveValue } from '../socket/live.tsx';
import { parsePreferencesFrame } from './frames.ts';
import { preferencesStore } from './store.ts';

export function PreferencesLive() {
  const live = useLive();
  const online = useLiveValue((l) => l.status() === 'online');

  const first = useRef(true);
  useEffect(() => {
    if (online || first.current) void preferencesStore.load();
    first.current = false;
  }, [online]);

  useEffect(() => {
    const stop = live.onOtherFrame((data) => {
      const change = parsePreferencesFrame(data);
      if (!change || Object.keys(change).length === 0) return;
      preferencesStore.merge(change);
      // The notification centre shows the muted kinds too.
      if (change.muted_notifications) void reloadNotifications();
    });
    return () => {
      stop();
    };
  }, [live]);

  useEffect(() => () => preferencesStore.reset(), []);
  return null;
}
