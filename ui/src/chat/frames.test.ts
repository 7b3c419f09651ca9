import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../contracts/chat.frames.ts';
import { applyFrame, type FrameContext, parseServerFrame, TYPING_TTL_MS } from './frames.ts';
import { type ChatState, channelView, initialChatState, type Message, unreadOf } from './model.ts';

const ME = 'me';
const ANA = 'ana';

function given(opts: { last_seq?: number; unread?: number; messages?: Message[] } = {}): ChatState {
  const family = channelView({
    id: 'family',
    name: 'Family',
    kind: 'family',
    archived: false,
    unread: opts.unread ?? 0,
    last_seq: opts.last_seq ?? 10,
    last_message_at: null,
    read_seq: 0,
    members: [ME, ANA],
  });
  return { ...initialChatState, channels: { family: { ...family, messages: opts.messages ?? [] } } };
}

const ctx = (reading = false): FrameContext => ({ me: ME, now: 1_000, reading: () => reading });
const posted = (seq: number, sender = ANA, id = `m${seq}`): ServerFrame => ({
  type: 'message',
  id,
  sender,
  content: `hello ${seq}`,
  channel: 'family',
  timestamp: new Date(seq * 1000).toISOString(),
  seq,
  reply_to: null,
  mentions: [],
  attachments: [],
});
const family = (s: ChatState) => s.channels.family ?? expect.fail('no family channel');

describe('a message frame', () => {
  it('badges a channel nobody is looking at', () => {
    const { state, effects } = applyFrame(given(), posted(11), ctx());
    expect(unreadOf(family(state))).toBe(1);
    expect(effects).toEqual({});
  });

  it('asks to mark the channel read when the person is looking at it', () => {
    const { state, effects } = applyFrame(given(), posted(11), ctx(true));
    expect(effects.markRead).toBe('family');
    expect(unreadOf(family(state))).toBe(0);
  });

  it('does not count a replayed message the server already counted', () => {
    const { state } = applyFrame(given({ last_seq: 12, unread: 1 }), posted(12), ctx());
    expect(unreadOf(family(state))).toBe(1);
    expect(family(state).messages).toHaveLength(1);
  });

  it('never badges my own messages', () => {
    const { state } = applyFrame(given(), posted(11, ME), ctx());
    expect(unreadOf(family(state))).toBe(0);
  });

  it('shows a line from Hearth itself (someone joined) without badging it', () => {
    const { state, effects } = applyFrame(given(), posted(11, ''), ctx());
    expect(unreadOf(family(state))).toBe(0);
    expect(family(state).messages.map((m) => m.sender)).toEqual(['']);
    expect(effects).toEqual({});
  });

  it('moves the resume point and ends the sender’s typing', () => {
    const typing = applyFrame(
      given(),
      { type: 'typing', user_id: ANA, channel: 'family', typing: true },
      ctx(),
    );
    expect(family(typing.state).typing[ANA]).toBe(1_000 + TYPING_TTL_MS);
    const { state } = applyFrame(typing.state, posted(11), ctx());
    expect(family(state).typing).toEqual({});
    expect(family(state).seen).toBe(11);
  });

  it('asks for the list again when the channel is new to the page', () => {
    const { effects } = applyFrame(given(), { ...posted(20), channel: 'dm-x' } as ServerFrame, ctx());
    expect(effects.refreshChannels).toBe(20);
  });

  it('is shown once however often it arrives', () => {
    const once = applyFrame(given(), posted(11), ctx()).state;
    const twice = applyFrame(once, posted(11), ctx()).state;
    expect(family(twice).messages).toHaveLength(1);
    expect(unreadOf(family(twice))).toBe(1);
  });
});

describe('other frames', () => {
  it('a read mark of mine from another tab clears the badge', () => {
    const badged = applyFrame(given(), posted(11), ctx()).state;
    const frame: ServerFrame = { type: 'read', channel: 'family', user_id: ME, up_to_seq: 11, seq: 12 };
    const { state } = applyFrame(badged, frame, ctx());
    expect(unreadOf(family(state))).toBe(0);
  });

  it('a deletion takes the text away and uncounts the message', () => {
    const badged = applyFrame(given(), posted(11), ctx()).state;
    const frame: ServerFrame = {
      type: 'message_deleted',
      id: 'm11',
      channel: 'family',
      deleted_by: ANA,
      timestamp: '',
      seq: 12,
    };
    const { state } = applyFrame(badged, frame, ctx());
    expect(family(state).messages[0]).toMatchObject({ deleted: true, content: '' });
    expect(unreadOf(family(state))).toBe(0);
  });

  it('shows the files a message carries, and forgets them when it is deleted', () => {
    const photo = {
      id: 'f1',
      url: '/api/v1/files/f1/download',
      thumbnail_url: '/api/v1/files/f1/download?thumb=1',
      content_type: 'image/jpeg',
      file_name: 'beach.jpg',
      size_bytes: 2048,
      width: 640,
      height: 480,
    };
    const frame = { ...posted(11), content: '', attachments: [photo] } as ServerFrame;
    let s = applyFrame(given(), frame, ctx()).state;
    expect(family(s).messages[0]).toMatchObject({ content: '', attachments: [photo] });
    s = applyFrame(
      s,
      { type: 'message_deleted', id: 'm11', channel: 'family', deleted_by: ANA, timestamp: '', seq: 12 },
      ctx(),
    ).state;
    expect(family(s).messages[0]).toMatchObject({ deleted: true, attachments: [] });
  });

  it('an edit and reactions change the message in place', () => {
    let s = applyFrame(given(), posted(11), ctx()).state;
    s = applyFrame(
      s,
      {
        type: 'message_edited',
        id: 'm11',
        channel: 'family',
        content: 'fixed',
        mentions: [],
        edited_by: ANA,
        timestamp: 't',
        seq: 12,
      },
      ctx(),
    ).state;
    s = applyFrame(
      s,
      { type: 'reaction', id: 'm11', channel: 'family', user_id: ME, emoji: '👍', on: true, seq: 13 },
      ctx(),
    ).state;
    expect(family(s).messages[0]).toMatchObject({
      content: 'fixed',
      editedAt: 't',
      reactions: { '👍': [ME] },
    });
  });

  it('an ack marks my pending message as sent', () => {
    const pending: Message = {
      id: 'p1',
      channel: 'family',
      sender: ME,
      content: 'hi',
      createdAt: new Date().toISOString(),
      seq: null,
      editedAt: null,
      deleted: false,
      replyTo: null,
      mentions: [],
      reactions: {},
      attachments: [],
      status: 'pending',
    };
    const { state } = applyFrame(
      given({ messages: [pending] }),
      { type: 'ack', ref: 'p1', id: 'p1', seq: 11 },
      ctx(),
    );
    expect(family(state).messages[0]).toMatchObject({ status: 'sent', seq: 11 });
  });

  it('my own membership change refreshes the list once it includes the event', () => {
    const frame: ServerFrame = { type: 'member', channel: 'dm-x', user_id: ME, joined: true, seq: 30 };
    expect(applyFrame(given(), frame, ctx()).effects.refreshChannels).toBe(30);
  });

  it('presence is kept per person', () => {
    const frame: ServerFrame = { type: 'presence', user_id: ANA, online: true, channel: 'family' };
    expect(applyFrame(given(), frame, ctx()).state.presence).toEqual({ [ANA]: true });
  });
});

describe('play frames', () => {
  it('are not chat frames, so chat leaves them to play', () => {
    expect(parseServerFrame(JSON.stringify({ type: 'play', event: 'boards_changed' }))).toBeNull();
  });
});
