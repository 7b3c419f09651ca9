// A group channel's people, and what may be done about them, as the edge decides: any member
// adds someone and may leave; the channel's creator or a moderator (chat.moderate) removes
// someone or archives the channel. Nothing else is offered.
import { X } from 'lucide-react';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { addMember, archiveChannel, channelDetail, removeMember } from './api.ts';
import type { ChannelView } from './model.ts';
import { nameOf } from './names.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export function ChannelMembers({
  me,
  channel,
  id,
  onClose,
}: {
  me: User;
  channel: ChannelView;
  id: string;
  onClose: () => void;
}) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const canWrite = useCan('chat.write');
  const canModerate = useCan('chat.moderate');
  const [creator, setCreator] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const members = channel.members ?? [];
  const others = Object.values(people)
    .filter((p) => !members.includes(p.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  const creatorHere = creator === me.id;
  const manages = creatorHere || canModerate;
  // The creator's right is theirs; anyone else's comes from the permission.
  const managesBy = creatorHere ? undefined : 'chat.moderate';
  const open = !channel.archived;

  useEffect(() => {
    heading.current?.focus();
    void client.refreshPeople();
    let live = true;
    channelDetail(channel.id)
      .then((d) => live && setCreator(d.created_by))
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [client, channel.id]);

  // Someone removed, the channel archived: the button that did it is gone, so the panel's
  // heading takes the focus instead of the page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: these changes are what removes buttons
  useEffect(() => {
    if (document.activeElement === document.body) heading.current?.focus();
  }, [members.length, channel.archived, others.length]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const userId = String(new FormData(form).get('person') ?? '');
    if (userId) void run(() => addMember(channel.id, userId).then(() => form.reset()));
  };

  const leave = () =>
    void run(async () => {
      await removeMember(channel.id, me.id);
      navigate('/');
    });

  const archive = () => {
    if (window.confirm(`Archive #${channel.name}? Everyone can still read it, nobody can write in it.`))
      void run(() => archiveChannel(channel.id));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };

  return (
    <section
      id={id}
      aria-labelledby={headingId}
      className="border-b bg-muted/40 px-4 py-3 text-sm"
      onKeyDown={onKeyDown}
    >
      <div className="mb-2 flex items-center gap-2">
        <h2 id={headingId} ref={heading} tabIndex={-1} className="flex-1 font-semibold outline-none">
          Members of #{channel.name}
        </h2>
        <Button variant="ghost" size="icon-sm" aria-label="Close members" onClick={onClose}>
          <X />
        </Button>
      </div>
      {error && <Alert variant="destructive">{error}</Alert>}
      <ul className="mb-2 flex flex-col gap-1">
        {members.map((userId) => (
          <li key={userId} className="flex items-center gap-2">
            <span className="min-w-0 flex-1 truncate">
              {nameOf(people, userId, me)}
              {userId === me.id && ' (you)'}
              {userId === creator && <span className="text-muted-foreground"> · started it</span>}
            </span>
            {open && userId === me.id && canWrite && (
              <Button size="sm" variant="outline" data-requires="chat.write" disabled={busy} onClick={leave}>
                Leave
              </Button>
            )}
            {open && userId !== me.id && manages && (
              <Button
                size="sm"
                variant="outline"
                data-requires={managesBy}
                disabled={busy}
                aria-label={`Remove ${nameOf(people, userId, me)}`}
                onClick={() => void run(() => removeMember(channel.id, userId))}
              >
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      {open && canWrite && others.length > 0 && (
        <form className="mb-2 flex items-center gap-2" data-requires="chat.write" onSubmit={add}>
          <select
            name="person"
            aria-label="Add someone"
            className="h-8 min-w-0 flex-1 rounded-md border bg-background px-2 text-sm"
            defaultValue=""
          >
            <option value="" disabled>
              Add someone…
            </option>
            {others.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <Button type="submit" size="sm" disabled={busy}>
            Add
          </Button>
        </form>
      )}
      {open && manages && (
        <Button size="sm" variant="outline" data-requires={managesBy} disabled={busy} onClick={archive}>
          Archive channel
        </Button>
      )}
    </section>
  );
}
