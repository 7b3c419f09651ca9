// Says to screen readers what the badges show to the eye: a direct message that arrives while
// the person is elsewhere ("New message from Ben"). A polite live region, always on the page.
import { useEffect, useRef, useState } from 'react';
import { unreadOf } from './model.ts';
import { nameOf, otherMember } from './names.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export function DmAnnouncer() {
  const client = useChatClient();
  const channels = useChat((s) => s.channels);
  const loaded = useChat((s) => s.channelsLoaded);
  const people = useChat((s) => s.people);
  const counts = useRef<Map<string, number> | null>(null);
  const [said, setSaid] = useState('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: a name arriving later is no news
  useEffect(() => {
    if (!loaded) return;
    const before = counts.current;
    const now = new Map<string, number>();
    const from = new Set<string>();
    for (const c of Object.values(channels)) {
      if (c.kind !== 'dm') continue;
      const unread = unreadOf(c);
      now.set(c.id, unread);
      // The first list after the page loads is where things stand, not news.
      if (before && unread > (before.get(c.id) ?? 0)) {
        const other = otherMember(c, client.me);
        from.add(other ? nameOf(people, other) : 'someone');
      }
    }
    counts.current = now;
    if (from.size === 0) return;
    const text = `New message from ${[...from].join(' and ')}`;
    // The same words again would not be said again: a no-break space makes them new.
    setSaid((last) => (last === text ? `${text}\u00a0` : text));
  }, [channels, loaded, client.me]);

  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="announcer">
      {said}
    </div>
  );
}
