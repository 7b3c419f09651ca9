// The chat client of one signed-in page: a store the components read, the socket that feeds
// it, and the actions the components call. Reconnects resume every channel from the last
// sequence seen, and messages typed while offline go out (once) when the socket is back.
// The rest of the page hears the socket through `live`.
import type { ChatAttachment } from '../../../contracts/chat.api.ts';
import type { ServerFrame, SessionEndedFrame } from '../../../contracts/chat.frames.ts';
import { own } from '../../../contracts/records.ts';
import type { Person } from '../identity/people.ts';
import { errorMessage } from '../lib/http.ts';
import { newId } from '../lib/ids.ts';
import type { Live } from '../socket/live.tsx';
import { openSocket, type Socket } from '../socket/socket.ts';
import { listChannels, wsToken } from './api.ts';
import { applyFrame, type ClientFrame, parseServerFrame, TYPING_TTL_MS } from './frames.ts';
import { createHistory } from './history.ts';
import {
  type ChannelView,
  type ChatState,
  channelView,
  initialChatState,
  type Message,
  mergeMessages,
  newestSeq,
  toggleReaction,
  updateMessage,
} from './model.ts';
import { createPeopleSync } from './people-sync.ts';
import { createTyping } from './typing.ts';

export type ChatClient = ReturnType<typeof createChatClient>;

/** A new account joins the family channel a moment after sign-up: look again this often. */
const EMPTY_LIST_RETRY_MS = 1_000;
const LIST_REFRESH_MS = 60_000;

export function createChatClient({
  me,
  loadPeople,
  onSessionEnded,
  onRole,
}: {
  me: string;
  loadPeople: () => Promise<Person[]>;
  onSessionEnded: (why?: SessionEndedFrame) => void;
  onRole: (role: string) => void;
}) {
  let state: ChatState = initialChatState;
  let active: string | null = null;
  let socket: Socket | null = null;
  let send: (frame: ClientFrame) => boolean = () => false;
  const joined = new Set<string>();
  const listeners = new Set<() => void>();
  const timers: ReturnType<typeof setTimeout>[] = [];
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Whoever else listens on this socket (play): frames chat does not know, raw. */
  const otherFrameListeners = new Set<(data: string) => void>();

  const set = (next: ChatState) => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  const patchChannel = (id: string, change: (c: ChannelView) => ChannelView) => {
    const c = state.channels[id];
    if (!c) return;
    const next = change(c);
    if (next !== c) set({ ...state, channels: { ...state.channels, [id]: next } });
  };
  const notice = (text: string | null) => set({ ...state, notice: text });

  const history = createHistory({ channel: (id) => state.channels[id], patch: patchChannel, notice });

  const reading = (id: string) =>
    id === active && document.visibilityState === 'visible' && state.channels[id]?.history !== 'unloaded';

  const typing = createTyping({ send: (channel, on) => send({ type: 'typing', channel, typing: on }) });

  function joinAll() {
    for (const c of Object.values(state.channels)) {
      if (joined.has(c.id) || c.archived) continue;
      // after_seq: everything after what this page has seen arrives first, in order.
      if (send({ type: 'join', channel: c.id, after_seq: c.seen })) joined.add(c.id);
    }
  }

  let emptyRetries = 0;
  async function refreshChannels(after?: number) {
    try {
      const list = await listChannels(after);
      const channels: Record<string, ChannelView> = {};
      for (const c of list) channels[c.id] = channelView(c, state.channels[c.id]);
      set({ ...state, channels, channelsLoaded: true });
      for (const id of joined) if (!channels[id]) joined.delete(id);
      joinAll();
      // The open channel may only now be in the list (a new DM, a first sign-in).
      if (active) await history.ensureLoaded(active);
      if (active && reading(active)) markRead(active);
      if (list.length === 0 && emptyRetries++ < 30)
        timers.push(setTimeout(() => void refreshChannels(), EMPTY_LIST_RETRY_MS));
    } catch (err) {
      notice(errorMessage(err));
    }
  }

  const people = createPeopleSync({
    me,
    load: loadPeople,
    known: (id) => id in state.people,
    apply: (list) => set({ ...state, people: list }),
  });

  function markRead(id: string) {
    const c = state.channels[id];
    if (!c) return;
    const seq = newestSeq(c);
    if (seq === 0 || (c.unread === 0 && Object.keys(c.fresh).length === 0 && (c.read_seq ?? 0) >= seq))
      return;
    send({ type: 'read', channel: id, seq });
    patchChannel(id, (ch) => ({
      ...ch,
      unread: 0,
      fresh: {},
      last_seq: Math.max(ch.last_seq, seq),
      read_seq: seq,
    }));
  }

  function flushPending() {
    for (const c of Object.values(state.channels))
      for (const m of c.messages) if (m.status === 'pending') sendMessage(m);
  }

  function sendMessage(m: Message) {
    send({
      type: 'message',
      channel: m.channel,
      content: m.content,
      id: m.id,
      ref: m.id,
      ...(m.replyTo && { reply_to: m.replyTo }),
      ...(m.mentions.length > 0 && { mentions: m.mentions }),
      ...(m.attachments.length > 0 && { attachments: m.attachments.map((a) => a.id) }),
    });
  }

  function onError(error: { code: string; message: string; ref?: string }) {
    // A resent message that had landed before the drop: the replay delivers it.
    if (error.code === 'chat.message_id_taken') return;
    if (error.ref) {
      for (const c of Object.values(state.channels))
        if (c.messages.some((m) => m.id === error.ref && m.status === 'pending'))
          patchChannel(c.id, (ch) => updateMessage(ch, error.ref ?? '', (m) => ({ ...m, status: 'failed' })));
    }
    notice(error.message);
  }

  /** A typist who went quiet without saying so (closed the tab) stops showing. */
  function pruneTyping(id: string) {
    const now = Date.now();
    patchChannel(id, (c) => {
      const typing = Object.fromEntries(Object.entries(c.typing).filter(([, until]) => until > now));
      return Object.keys(typing).length === Object.keys(c.typing).length ? c : { ...c, typing };
    });
  }

  const visibility = () => {
    if (active && reading(active)) markRead(active);
  };

  function onFrame(frame: ServerFrame) {
    people.learnAbout('user_id' in frame ? frame.user_id : 'sender' in frame ? frame.sender : undefined);
    // A line from Hearth names whom it is about among its mentions (someone who just joined).
    if ('sender' in frame && frame.sender === '' && 'mentions' in frame) people.learnAbout(frame.mentions[0]);
    const { state: next, effects } = applyFrame(state, frame, { me, now: Date.now(), reading });
    set(next);
    if (frame.type === 'typing' && frame.typing) {
      const channel = frame.channel;
      clearTimeout(typingTimers.get(channel));
      typingTimers.set(
        channel,
        setTimeout(() => pruneTyping(channel), TYPING_TTL_MS + 100),
      );
    }
    if (effects.markRead) markRead(effects.markRead);
    if (effects.refreshChannels !== undefined) {
      void refreshChannels(effects.refreshChannels);
      void people.refresh();
    }
    if (effects.role) onRole(effects.role);
    if (effects.error) onError(effects.error);
  }

  const subscribe = (l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  /** Frames for other parts of the page that arrive on this socket (play's pushes). */
  const onOtherFrame = (l: (data: string) => void) => {
    otherFrameListeners.add(l);
    return () => otherFrameListeners.delete(l);
  };
  const live: Live = {
    subscribe,
    status: () => state.status,
    people: () => state.people,
    refreshPeople: () => people.refresh(),
    onOtherFrame,
  };

  return {
    subscribe,
    getState: () => state,
    me,
    live,

    start() {
      document.addEventListener('visibilitychange', visibility);
      window.addEventListener('focus', visibility);
      timers.push(setInterval(() => void refreshChannels(), LIST_REFRESH_MS));
      void people.refresh();
      socket = openSocket({
        fetchToken: wsToken,
        // Offline, who else is online is unknown: no green dots until the joins say again.
        onStatus: (status, retryAt) =>
          set({
            ...state,
            status,
            retryAt: retryAt ?? null,
            presence: status === 'online' ? state.presence : {},
          }),
        onSessionEnded,
        onOpen: (s) => {
          send = s;
          joined.clear();
          // The list first (a DM may have started while away), then the joins, then what
          // was typed while offline.
          void refreshChannels().then(flushPending);
        },
        onMessage: (data) => {
          const frame = parseServerFrame(data);
          if (!frame) for (const l of otherFrameListeners) l(data);
          else if (frame.type !== 'pong') onFrame(frame);
        },
      });
    },

    stop() {
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('focus', visibility);
      for (const t of [...timers, ...typingTimers.values()]) clearTimeout(t);
      people.stop();
      typing.stop();
      socket?.close();
    },

    /** The person looks at this channel now: load its newest page, clear its badge. */
    async open(id: string | null) {
      active = id;
      if (!id) return;
      await history.ensureLoaded(id);
      if (reading(id)) markRead(id);
    },

    /** Scrolled to the top: the page before the oldest message shown. */
    loadOlder: (id: string) => history.loadOlder(id),

    /** `attachments`: files already uploaded (ui/src/chat/pending.ts), shown at once. */
    post(
      channel: string,
      content: string,
      opts: { replyTo?: string | null; mentions?: string[]; attachments?: ChatAttachment[] } = {},
    ) {
      const m: Message = {
        id: newId(),
        channel,
        sender: me,
        content,
        createdAt: new Date().toISOString(),
        seq: null,
        editedAt: null,
        deleted: false,
        replyTo: opts.replyTo ?? null,
        mentions: opts.mentions ?? [],
        reactions: {},
        attachments: opts.attachments ?? [],
        status: 'pending',
      };
      typing.stopIn(channel);
      patchChannel(channel, (ch) => ({ ...ch, messages: mergeMessages(ch.messages, [m]) }));
      sendMessage(m);
    },

    retry(channel: string, id: string) {
      patchChannel(channel, (ch) => updateMessage(ch, id, (m) => ({ ...m, status: 'pending' })));
      const m = state.channels[channel]?.messages.find((x) => x.id === id);
      if (m) sendMessage(m);
    },

    edit(channel: string, id: string, content: string, mentions: string[]) {
      send({ type: 'edit', channel, id, content, mentions, ref: newId() });
    },

    remove(channel: string, id: string) {
      send({ type: 'delete', channel, id, ref: newId() });
    },

    react(channel: string, id: string, emoji: string) {
      const m = state.channels[channel]?.messages.find((x) => x.id === id);
      const on = !((m && own(m.reactions, emoji)) ?? []).includes(me);
      // Shown at once; the server's reaction frame confirms it (or a later list corrects it).
      patchChannel(channel, (ch) => updateMessage(ch, id, (x) => toggleReaction(x, emoji, me, on)));
      send({ type: 'react', channel, id, emoji, on, ref: newId() });
    },

    typing: (channel: string) => typing.keystroke(channel),
    stopTyping: (channel: string) => typing.stopIn(channel),
    dismissNotice: () => notice(null),
    refreshChannels,
    refreshPeople: () => people.refresh(),
  };
}
