// Start a direct message: pick someone from the family.
import { X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import type { User } from '../identity/api.ts';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { openDm } from './api.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export function PeoplePicker({ me, onClose }: { me: User; onClose: () => void }) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const presence = useChat((s) => s.presence);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Someone may have joined since the page loaded.
  useEffect(() => void client.refreshPeople(), [client]);
  const others = useMemo(
    () =>
      Object.values(people)
        .filter((p) => p.id !== me.id && p.name.toLowerCase().includes(filter.trim().toLowerCase()))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [people, me.id, filter],
  );

  const start = async (userId: string) => {
    try {
      const { id, seq } = await openDm(userId);
      await client.refreshChannels(seq);
      onClose();
      navigate(`/c/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="mx-1 mb-2 rounded-lg border bg-card p-2 shadow-sm">
      <div className="mb-2 flex items-center gap-1">
        <Input
          autoFocus
          placeholder="Who do you want to talk to?"
          aria-label="Find a person"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && onClose()}
        />
        <Button variant="ghost" size="icon-sm" aria-label="Close" onClick={onClose}>
          <X />
        </Button>
      </div>
      {error && <Alert variant="destructive">{error}</Alert>}
      <ul className="max-h-60 overflow-y-auto">
        {others.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-accent"
              onClick={() => void start(p.id)}
            >
              <Avatar name={p.name} seed={p.id} online={presence[p.id] === true} className="size-6" />
              <span className="truncate">{p.name}</span>
            </button>
          </li>
        ))}
        {others.length === 0 && (
          <li className="px-2 py-1.5 text-sm text-muted-foreground">
            {Object.keys(people).length <= 1 ? 'Nobody else has joined yet.' : 'Nobody by that name.'}
          </li>
        )}
      </ul>
    </div>
  );
}
