import { describe, expect, it } from 'vitest';
import type { ChannelSummary } from '../../../contracts/chat.api.ts';
import { mentionedIds, mentionQuery } from './mentions.ts';
import { channelView, type Message, mergeMessages, toggleReaction, unreadOf } from './model.ts';

const msg = (id: string, seq: number | null, extra: Partial<Message> = {}): Message => ({
  id,
  channel: 'family',
  sender: 'ana',
  content: id,
  createdAt: new Date(1_000 + (seq ?? 99)).toISOString(),
  seq,
  editedAt: null,
  deleted: false,
  replyTo: null,
  mentions: [],
  reactions: {},
  attachments: [],
  status: seq === null ? 'pending' : 'sent',
  ...extra,
});

describe('merging messages', () => {
  it('orders by the log and keeps what is still sending last', () => {
    const merged = mergeMessages([msg('b', 2), msg('p', null)], [msg('a', 1), msg('c', 3)]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c', 'p']);
  });

  it('replaces a pending message by the server’s copy', () => {
    const merged = mergeMessages([msg('p', null)], [msg('p', 5)]);
    expect(merged).toEqual([expect.objectContaining({ id: 'p', seq: 5, status: 'sent' })]);
  });

  it('does not let a replayed post undo a later edit', () => {
    const edited = msg('a', 1, { content: 'fixed', editedAt: 't' });
    const [merged] = mergeMessages([edited], [msg('a', 1)]);
    expect(merged).toMatchObject({ content: 'fixed', editedAt: 't' });
  });
});

describe('a fresh channel list', () => {
  const list: ChannelSummary = {
    id: 'family',
    name: 'Family',
    kind: 'family',
    archived: false,
    unread: 2,
    last_seq: 20,
    last_message_at: null,
    read_seq: 0,
    members: [],
  };

  it('takes the server’s count and keeps what arrived after it', () => {
    const before = {
      ...channelView({ ...list, unread: 0, last_seq: 10 }),
      fresh: { x: 15, y: 25 },
      seen: 25,
    };
    const after = channelView(list, before);
    expect(after.fresh).toEqual({ y: 25 });
    expect(unreadOf(after)).toBe(3);
  });

  it('keeps the resume point of frames actually received', () => {
    const before = { ...channelView({ ...list, last_seq: 10 }), seen: 12 };
    expect(channelView(list, before).seen).toBe(12);
    expect(channelView(list).seen).toBe(20);
  });
});

describe('mentions', () => {
  it('finds the partial name before the caret', () => {
    expect(mentionQuery('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionQuery('mail@home', 9)).toBeNull();
  });

  it('keeps only the people still named in the text', () => {
    const picked = [
      { id: 'a', name: 'Ana' },
      { id: 'b', name: 'Ben' },
    ];
    expect(mentionedIds('thanks @Ana', picked)).toEqual(['a']);
  });
});

describe('a reaction named like one of Object.prototype’s members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    '%s is toggled like any other',
    (emoji) => {
      const on = toggleReaction(msg('a', 1), emoji, 'ana', true);
      expect(Object.getPrototypeOf(on.reactions)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(on.reactions, emoji)?.value).toEqual(['ana']);
      const again = toggleReaction(on, emoji, 'bo', true);
      expect(Object.getOwnPropertyDescriptor(again.reactions, emoji)?.value).toEqual(['ana', 'bo']);
      expect(
        toggleReaction(toggleReaction(again, emoji, 'ana', false), emoji, 'bo', false).reactions,
      ).toEqual({});
    },
  );
});

describe('unread messages whose ids look like Object.prototype’s members', () => {
  it('are counted like any other when a fresh list arrives', () => {
    const summary = { id: 'family', last_seq: 10 } as ChannelSummary;
    const before = channelView(summary);
    const view = channelView(summary, {
      ...before,
      fresh: JSON.parse('{"__proto__": 15, "constructor": 16}'),
    });
    expect(Object.getOwnPropertyDescriptor(view.fresh, '__proto__')?.value).toBe(15);
    expect(Object.getOwnPropertyDescriptor(view.fresh, 'constructor')?.value).toBe(16);
  });
});
