// Writing: a new message, a reply, or an edit of one's own message. Enter sends, Shift+Enter
// starts a new line, "@" suggests people, Escape cancels a reply or an edit, and ArrowUp in an
// empty composer edits my last message. Text longer than one message is offered as several.
// Files come by the attach button, the phone's camera, a paste, or a drop on the conversation;
// they upload at once, and Send waits until they have.
import { SendHorizontal, X } from 'lucide-react';
import { type KeyboardEvent, type RefObject, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import type { User } from '../identity/api.ts';
import type { Person } from '../identity/people.ts';
import { cn } from '../lib/utils.ts';
import { AttachButtons, AttachTray } from './attach-tray.tsx';
import { charCount, MAX_PARTS, MESSAGE_MAX_CHARS, splitMessage } from './long-text.ts';
import { mentionedIds, mentionQuery, suggest } from './mentions.ts';
import type { ChannelView } from './model.ts';
import { nameOf } from './names.ts';
import { filesIn, type PendingAttachments } from './pending.ts';
import { TooLong, thousands } from './too-long.tsx';
import { useChat, useChatClient } from './use-chat.tsx';

export type Draft = { kind: 'new' } | { kind: 'reply'; id: string } | { kind: 'edit'; id: string };

export function Composer({
  me,
  channel,
  draft,
  onDraft,
  inputRef,
  pending,
  canAttach,
}: {
  me: User;
  channel: ChannelView;
  draft: Draft;
  onDraft: (d: Draft) => void;
  /** The text box, for the conversation to move focus to. */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  /** Files on their way into the next message (the conversation takes drops too). */
  pending: PendingAttachments;
  /** Whether this person may upload now (a child, only if the family allows it); null: not known yet. */
  canAttach: boolean | null;
}) {
  const client = useChatClient();
  const people = useChat((s) => s.people);
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<Person[]>([]);
  const [menu, setMenu] = useState<{ start: number; query: string; index: number } | null>(null);
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const input = inputRef ?? ownRef;
  const listId = useId();
  const noticeId = useId();
  const target = draft.kind === 'new' ? undefined : channel.messages.find((m) => m.id === draft.id);

  const members = useMemo(() => {
    const ids = channel.members?.length ? channel.members : Object.keys(people);
    return ids
      .map((id) => people[id] ?? { id, name: nameOf(people, id, me) })
      .filter((p) => p.name !== 'Family member');
  }, [channel.members, people, me]);
  const suggestions = menu ? suggest(members, menu.query, me.id) : [];
  const open = suggestions.length > 0;
  const activeIndex = menu ? Math.min(menu.index, suggestions.length - 1) : 0;
  const optionId = (p: Person) => `${listId}-${p.id}`;

  const length = charCount(text.trim());
  const tooLong = length > MESSAGE_MAX_CHARS;
  // Past MAX_PARTS full messages no split can fit, so none is computed (a huge paste would
  // otherwise be cut again on every key).
  const splittable = tooLong && draft.kind !== 'edit' && length <= MAX_PARTS * MESSAGE_MAX_CHARS;
  const parts = useMemo(() => (splittable ? splitMessage(text) : []), [splittable, text]);
  const editing = draft.kind === 'edit';
  const files = editing ? [] : pending.ready();
  const canSend = !tooLong && !(pending.uploading && !editing) && (text.trim() !== '' || files.length > 0);

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
  }, [draft, input]);

  const clear = () => {
    setText('');
    setPicked([]);
    setMenu(null);
    if (!editing) pending.clear();
    onDraft({ kind: 'new' });
  };

  const submit = () => {
    if (!canSend) return;
    const content = text.trim();
    const mentions = mentionedIds(content, picked);
    if (draft.kind === 'edit') client.edit(channel.id, draft.id, content, mentions);
    else
      client.post(channel.id, content, {
        replyTo: draft.kind === 'reply' ? draft.id : null,
        mentions,
        attachments: files,
      });
    clear();
  };

  /** The long text as several messages, in order; a reply is the first of them, and carries the files. */
  const sendParts = () => {
    if (pending.uploading) return;
    parts.forEach((part, i) => {
      client.post(channel.id, part, {
        replyTo: i === 0 && draft.kind === 'reply' ? draft.id : null,
        mentions: mentionedIds(part, picked),
        attachments: i === 0 ? files : [],
      });
    });
    clear();
    input.current?.focus();
  };

  const choose = (p: Person) => {
    if (!menu) return;
    const el = input.current;
    const value = el?.value ?? text;
    const caret = el?.selectionStart ?? value.length;
    const next = `${value.slice(0, menu.start)}@${p.name} ${value.slice(caret)}`;
    const at = menu.start + p.name.length + 2;
    // The text and the caret change now, in this event: keys typed right after the pick must
    // land after the name, and a caret moved a frame later sent them to the end instead. React
    // then renders the same value, so it leaves the element (and its caret) as it is.
    if (el) {
      el.value = next;
      el.setSelectionRange(at, at);
    }
    setText(next);
    setPicked((list) => [...list, p]);
    setMenu(null);
  };

  /** My newest message that can still be edited. */
  const lastOwn = () => {
    for (let i = channel.messages.length - 1; i >= 0; i--) {
      const m = channel.messages[i];
      if (m && m.sender === me.id && !m.deleted && m.status === 'sent') return m;
    }
    return undefined;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (menu && open) {
      const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (step) {
        e.preventDefault();
        setMenu({ ...menu, index: (activeIndex + step + suggestions.length) % suggestions.length });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const p = suggestions[activeIndex];
        if (p) choose(p);
        return;
      }
    }
    if (e.key === 'Escape') {
      if (menu) setMenu(null);
      else if (draft.kind !== 'new') onDraft({ kind: 'new' });
      return;
    }
    if (e.key === 'ArrowUp' && text === '' && draft.kind === 'new') {
      const mine = lastOwn();
      if (mine) {
        e.preventDefault();
        onDraft({ kind: 'edit', id: mine.id });
      }
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
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Cancel"
            onClick={() => {
              // The button goes with the banner: the text box keeps the focus.
              input.current?.focus();
              onDraft({ kind: 'new' });
            }}
          >
            <X />
          </Button>
        </div>
      )}
      <div
        id={listId}
        role="listbox"
        aria-label="People to mention"
        hidden={!open}
        className="mb-1 rounded-md border bg-popover p-1 shadow-md"
      >
        {suggestions.map((p, i) => (
          // The text box keeps focus and the keyboard (aria-activedescendant); a click picks too.
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox, as the pattern says
          <div
            key={p.id}
            id={optionId(p)}
            role="option"
            tabIndex={-1}
            aria-selected={i === activeIndex}
            className={cn(
              'w-full cursor-pointer rounded px-2 py-1 text-left text-sm',
              i === activeIndex && 'bg-accent text-accent-foreground',
            )}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(p)}
          >
            @{p.name}
          </div>
        ))}
      </div>
      {!editing && <AttachTray pending={pending} />}
      <form
        className="flex items-end gap-2"
        data-can-upload={canAttach === null ? undefined : String(canAttach)}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {!editing && canAttach === true && (
          <AttachButtons
            onFiles={(chosen) => {
              pending.add(chosen);
              input.current?.focus();
            }}
          />
        )}
        <Textarea
          ref={input}
          rows={1}
          value={text}
          placeholder={`Message ${channel.kind === 'dm' ? '' : '#'}${channel.kind === 'dm' ? 'privately' : channel.name || 'family'}`}
          aria-label="Message"
          role="combobox"
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={
            open && suggestions[activeIndex] ? optionId(suggestions[activeIndex]) : undefined
          }
          aria-describedby={tooLong ? noticeId : undefined}
          className="max-h-40 min-h-9 resize-none field-sizing-content"
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            if (editing || canAttach !== true) return;
            const pasted = filesIn(e.clipboardData);
            if (pasted.length === 0) return;
            // A pasted picture is an attachment, not text.
            e.preventDefault();
            pending.add(pasted);
          }}
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
          title={pending.uploading && !editing ? 'Waiting for the files to upload' : undefined}
          disabled={!canSend}
        >
          <SendHorizontal />
        </Button>
      </form>
      {tooLong ? (
        <TooLong
          id={noticeId}
          length={length}
          editing={draft.kind === 'edit'}
          parts={splittable ? parts.length : Number.POSITIVE_INFINITY}
          onSplit={sendParts}
        />
      ) : (
        length > MESSAGE_MAX_CHARS - 500 && (
          <p className="pt-1 text-right text-xs text-muted-foreground">
            {thousands(length)} / {thousands(MESSAGE_MAX_CHARS)}
          </p>
        )
      )}
    </div>
  );
}
