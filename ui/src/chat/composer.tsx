// Writing: a new message, a reply, or an edit of one's own message. Enter sends, Shift+Enter
// starts a new line, "@" suggests people, Escape cancels a reply or an edit.
import { SendHorizontal, X } from 'lucide-react';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import type { User } from '../identity/api.ts';
import type { Person } from '../identity/people.ts';
import { cn } from '../lib/utils.ts';
import { mentionedIds, mentionQuery, suggest } from './mentions.ts';
import type { ChannelView } from './model.ts';
import { nameOf } from './names.ts';
import { useChat, useChatClient } from './use-chat.tsx';

export type Draft = { kind: 'new' } | { kind: 'reply'; id: string } | { kind: 'edit'; id: string };

const MAX_LENGTH = 4000;

export function Composer({
  me,
  channel,
  draft,
  onDraft,
}: {
  me: User;
  channel: ChannelView;
  draft: Draft;
  onDraft: (d: Draft) => void;
}) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<Person[]>([]);
  const [menu, setMenu] = useState<{ start: number; query: string; index: number } | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const target = draft.kind === 'new' ? undefined : channel.messages.find((m) => m.id === draft.id);

  const members = useMemo(() => {
    const ids = channel.members?.length ? channel.members : Object.keys(people);
    return ids
      .map((id) => people[id] ?? { id, name: nameOf(people, id, me) })
      .filter((p) => p.name !== 'Family member');
  }, [channel.members, people, me]);
  const suggestions = menu ? suggest(members, menu.query, me.id) : [];

  // A new draft (reply, edit, cancel) adjusts the text as it arrives, during render, so later
  // changes to the edited message never overwrite what is being typed.
  const [shown, setShown] = useState<Draft>(draft);
  if (draft !== shown) {
    setShown(draft);
    if (draft.kind === 'edit' && target) {
      setText(target.content);
      setPicked(target.mentions.map((id) => people[id]).filter((p): p is Person => p !== undefined));
    } else if (shown.kind === 'edit') setText('');
  }

  useEffect(() => {
    if (draft.kind !== 'new') input.current?.focus();
  }, [draft]);

  const submit = () => {
    const content = text.trim();
    if (!content || content.length > MAX_LENGTH) return;
    const mentions = mentionedIds(content, picked);
    if (draft.kind === 'edit') client.edit(channel.id, draft.id, content, mentions);
    else client.post(channel.id, content, { replyTo: draft.kind === 'reply' ? draft.id : null, mentions });
    setText('');
    setPicked([]);
    setMenu(null);
    onDraft({ kind: 'new' });
  };

  const choose = (p: Person) => {
    if (!menu) return;
    const caret = input.current?.selectionStart ?? text.length;
    const next = `${text.slice(0, menu.start)}@${p.name} ${text.slice(caret)}`;
    setText(next);
    setPicked((list) => [...list, p]);
    setMenu(null);
    const at = menu.start + p.name.length + 2;
    requestAnimationFrame(() => input.current?.setSelectionRange(at, at));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (menu && suggestions.length > 0) {
      const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (step) {
        e.preventDefault();
        setMenu({ ...menu, index: (menu.index + step + suggestions.length) % suggestions.length });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const p = suggestions[menu.index];
        if (p) choose(p);
        return;
      }
    }
    if (e.key === 'Escape') {
      if (menu) setMenu(null);
      else if (draft.kind !== 'new') onDraft({ kind: 'new' });
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <div className="border-t bg-background px-2 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] md:px-4">
      {target && (
        <div className="mb-1 flex items-center gap-2 rounded-md bg-muted px-2 py-1 text-xs">
          <span className="min-w-0 flex-1 truncate">
            {draft.kind === 'edit'
              ? 'Editing your message'
              : `Replying to ${nameOf(people, target.sender, me)}: ${target.content}`}
          </span>
          <Button variant="ghost" size="icon-sm" aria-label="Cancel" onClick={() => onDraft({ kind: 'new' })}>
            <X />
          </Button>
        </div>
      )}
      {menu && suggestions.length > 0 && (
        <ul aria-label="People to mention" className="mb-1 rounded-md border bg-popover p-1 shadow-md">
          {suggestions.map((p, i) => (
            <li key={p.id}>
              <button
                type="button"
                aria-current={i === menu.index}
                className={cn('w-full rounded px-2 py-1 text-left text-sm', i === menu.index && 'bg-accent')}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(p);
                }}
              >
                @{p.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Textarea
          ref={input}
          rows={1}
          value={text}
          maxLength={MAX_LENGTH + 100}
          placeholder={`Message ${channel.kind === 'dm' ? '' : '#'}${channel.kind === 'dm' ? 'privately' : channel.name || 'family'}`}
          aria-label="Message"
          className="max-h-40 min-h-9 resize-none field-sizing-content"
          onKeyDown={onKeyDown}
          onBlur={() => client.stopTyping(channel.id)}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) client.typing(channel.id);
            else client.stopTyping(channel.id);
            const q = mentionQuery(e.target.value, e.target.selectionStart);
            setMenu(q && { ...q, index: 0 });
          }}
        />
        <Button
          type="submit"
          size="icon"
          aria-label="Send"
          disabled={!text.trim() || text.trim().length > MAX_LENGTH}
        >
          <SendHorizontal />
        </Button>
      </form>
      {text.length > MAX_LENGTH - 500 && (
        <p
          className={cn(
            'pt-1 text-right text-xs',
            text.length > MAX_LENGTH ? 'text-destructive' : 'text-muted-foreground',
          )}
        >
          {text.length} / {MAX_LENGTH}
        </p>
      )}
    </div>
  );
}
