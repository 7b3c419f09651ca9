// Start a direct message: pick someone from the family. The search box is a combobox: the
// arrow keys move through the people (aria-activedescendant), Enter opens the conversation
// and Escape closes the picker.
import { X } from 'lucide-react';
import { type KeyboardEvent, useEffect, useId, useMemo, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import type { User } from '../identity/api.ts';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';
import { openDm } from './api.ts';
import { focusComposerOn } from './focus.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export function PeoplePicker({ me, onClose }: { me: User; onClose: () => void }) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const presence = useChat((s) => s.presence);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  // Someone may have joined since the page loaded.
  useEffect(() => void client.refreshPeople(), [client]);
  const others = useMemo(
    () =>
      Object.values(people)
        .filter((p) => p.id !== me.id && p.name.toLowerCase().includes(filter.trim().toLowerCase()))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [people, me.id, filter],
  );
  const index = Math.min(active, others.length - 1);
  const optionId = (id: string) => `${listId}-${id}`;

  const start = async (userId: string) => {
    try {
      const { id, seq } = await openDm(userId);
      await client.refreshChannels(seq);
      focusComposerOn(id);
      onClose();
      navigate(`/c/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const last = others.length - 1;
    const to =
      e.key === 'ArrowDown'
        ? index >= last
          ? 0
          : index + 1
        : e.key === 'ArrowUp'
          ? index <= 0
            ? last
            : index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to !== null) {
      e.preventDefault();
      setActive(Math.max(0, to));
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      const p = others[index];
      if (p) void start(p.id);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };

  const current = others[index];
  return (
    <div className="mx-1 mb-2 rounded-lg border bg-card p-2 shadow-sm">
      <div className="mb-2 flex items-center gap-1">
        <Input
          autoFocus
          placeholder="Who do you want to talk to?"
          aria-label="Find a person"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={others.length > 0}
          aria-controls={listId}
          aria-activedescendant={current ? optionId(current.id) : undefined}
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <Button variant="ghost" size="icon-sm" aria-label="Close" onClick={onClose}>
          <X />
        </Button>
      </div>
      {error && <Alert variant="destructive">{error}</Alert>}
      <div id={listId} role="listbox" aria-label="People to write to" className="max-h-60 overflow-y-auto">
        {others.map((p, i) => (
          // The search box keeps focus and the keyboard; a click or tap picks too.
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox, as the pattern says
          <div
            key={p.id}
            id={optionId(p.id)}
            role="option"
            tabIndex={-1}
            aria-selected={i === index}
            className={cn(
              'flex w-full cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-accent',
              i === index && 'bg-accent text-accent-foreground',
            )}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => void start(p.id)}
          >
            <Avatar name={p.name} seed={p.id} online={presence[p.id] === true} className="size-6" />
            <span className="truncate">{p.name}</span>
          </div>
        ))}
      </div>
      {others.length === 0 && (
        <p className="px-2 py-1.5 text-sm text-muted-foreground">
          {Object.keys(people).length <= 1 ? 'Nobody else has joined yet.' : 'Nobody by that name.'}
        </p>
      )}
    </div>
  );
}
