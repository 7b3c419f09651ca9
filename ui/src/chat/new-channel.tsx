// Create a group channel: a name and who to invite (everyone can be added later too).
import { X } from 'lucide-react';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import type { User } from '../identity/api.ts';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { createChannel } from './api.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export function NewChannel({ me, onClose }: { me: User; onClose: () => void }) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const [invited, setInvited] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void client.refreshPeople(), [client]);
  const others = Object.values(people)
    .filter((p) => p.id !== me.id)
    .sort((a, b) => a.name.localeCompare(b.name));

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    setBusy(true);
    try {
      const { id, seq } = await createChannel(name, [...invited]);
      await client.refreshChannels(seq);
      onClose();
      navigate(`/c/${id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
      className="mx-1 mb-2 flex flex-col gap-2 rounded-lg border bg-card p-2 shadow-sm"
    >
      <div className="flex items-center gap-1">
        <Input
          name="name"
          autoFocus
          required
          maxLength={80}
          placeholder="Channel name"
          aria-label="Channel name"
        />
        <Button variant="ghost" size="icon-sm" aria-label="Close" onClick={onClose}>
          <X />
        </Button>
      </div>
      {error && <Alert variant="destructive">{error}</Alert>}
      {others.length > 0 && (
        <fieldset className="flex max-h-40 flex-col gap-1 overflow-y-auto text-sm">
          <legend className="pb-1 text-xs text-muted-foreground">Invite</legend>
          {others.map((p) => (
            <label key={p.id} className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-accent">
              <input
                type="checkbox"
                checked={invited.has(p.id)}
                onChange={(e) => {
                  const next = new Set(invited);
                  if (e.target.checked) next.add(p.id);
                  else next.delete(p.id);
                  setInvited(next);
                }}
              />
              {p.name}
            </label>
          ))}
        </fieldset>
      )}
      <Button type="submit" size="sm" disabled={busy}>
        Create channel
      </Button>
    </form>
  );
}
