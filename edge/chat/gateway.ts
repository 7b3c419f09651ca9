// The sockets of one edge process: who is connected, which channels each socket follows, and
// delivery. Log events arrive once from the live follower and are serialised once; presence
// and typing arrive from core NATS. A socket that joins with after_seq is replayed its
// channel from the log while live frames wait in its backlog; frames are deduplicated by
// sequence, so the switch from replay to live has no gap and no repeat.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { chatErrors } from '../../writers/chat/errors.ts';
import type { ChatReader } from '../../writers/chat/load.ts';
import { aboutChannel } from '../../writers/chat/state.ts';
import type { Log } from '../../writers/log/open.ts';
import type { TokenClaims } from '../socket/tokens.ts';
import { type ChatStored, channelEventsAfter } from './follow.ts';
import {
  encodeFrame,
  frameFor,
  joinedFrame,
  type Prepared,
  presenceFrame,
  roleFrame,
  typingFrame,
} from './frames.ts';
import type { Presence } from './presence.ts';

export type Sub = { lastSent: number; backlog: Prepared[] | null };
export type Conn = {
  ws: WebSocket;
  claims: TokenClaims;
  role: string;
  subs: Map<string, Sub>;
  typingIn: Set<string>;
};

/** restart (1012, service restart): reconnect, here or to another edge; nothing is lost. */
export const CLOSE = { revoked: 4401, tooSlow: 1013, restart: 1012 } as const;
/** A socket this far behind is closed; its client reconnects with after_seq and loses nothing. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const BACKFILL_PAUSE_BYTES = 1024 * 1024;

export type Gateway = ReturnType<typeof createGateway>;

export function createGateway({
  log,
  reader,
  presence,
  logger,
}: {
  log: Log;
  reader: ChatReader;
  presence: Presence;
  logger: Logger;
}) {
  const conns = new Set<Conn>();
  const byUser = new Map<string, Set<Conn>>();
  const byChannel = new Map<string, Set<Conn>>();
  // Members of the channels someone here follows: for presence, kept current by the follower.
  const members = new Map<string, { ids: Set<string>; seq: number }>();

  const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) =>
    map.set(key, (map.get(key) ?? new Set()).add(value));
  const drop = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => {
    const set = map.get(key);
    set?.delete(value);
    if (set?.size === 0) map.delete(key);
  };

  function send(conn: Conn, data: Buffer) {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.ws.close(CLOSE.tooSlow, 'too far behind; reconnect with after_seq');
      return;
    }
    conn.ws.send(data, { binary: false });
  }

  function deliver(conn: Conn, sub: Sub, frame: Prepared) {
    if (frame.seq <= sub.lastSent) return;
    if (sub.backlog) {
      sub.backlog.push(frame);
      return;
    }
    sub.lastSent = frame.seq;
    send(conn, frame.data);
  }

  function unsubscribe(conn: Conn, channelId: string) {
    conn.subs.delete(channelId);
    drop(byChannel, channelId, conn);
    if (!byChannel.has(channelId)) members.delete(channelId);
  }

  // "<namespace>.hearth.chat.channel.": every chat subject names its channel right after it.
  const channelPrefix = `${log.names.domainFilter('chat').slice(0, -1)}channel.`;

  /** Membership always matters here (member cache, the person's own sockets); the rest only to followers. */
  function wants(subject: string): boolean {
    if (!subject.startsWith(channelPrefix)) return true;
    const end = subject.indexOf('.', channelPrefix.length);
    if (end < 0 || subject.startsWith('members', end + 1)) return true;
    return byChannel.has(subject.slice(channelPrefix.length, end));
  }

  function onEvent(e: ChatStored) {
    // A member's erasure is about no channel: the read models blank their words, sockets hear nothing.
    if (!aboutChannel(e)) return;
    const { event } = e;
    const channelId = event.value.channelId;
    const cached = members.get(channelId);
    if (cached && e.seq > cached.seq && (event.case === 'memberJoined' || event.case === 'memberLeft')) {
      if (event.case === 'memberJoined') cached.ids.add(event.value.userId);
      else cached.ids.delete(event.value.userId);
      cached.seq = e.seq;
    }
    const followers = byChannel.get(channelId);
    const membership = event.case === 'memberJoined' || event.case === 'memberLeft';
    // Nobody here to tell: the frame is not worth building.
    if (!followers && !membership) return;
    const frame = frameFor(e);
    if (!frame) return;
    for (const conn of followers ?? []) {
      const sub = conn.subs.get(channelId);
      if (sub) deliver(conn, sub, frame);
    }
    if (membership) {
      // The person concerned learns of it on every socket, following the channel or not.
      for (const conn of byUser.get(event.value.userId) ?? []) {
        if (!conn.subs.has(channelId)) send(conn, frame.data);
        if (event.case === 'memberLeft') unsubscribe(conn, channelId);
      }
    }
  }

  presence.onChange((userId, online) => {
    for (const [channelId, m] of members) {
      if (!m.ids.has(userId)) continue;
      const data = presenceFrame(userId, online, channelId);
      for (const conn of byChannel.get(channelId) ?? []) send(conn, data);
    }
  });

  function onTyping(userId: string, channelId: string, typing: boolean) {
    const data = typingFrame(userId, channelId, typing);
    for (const conn of byChannel.get(channelId) ?? []) if (conn.claims.userId !== userId) send(conn, data);
  }

  async function waitForRoom(conn: Conn) {
    while (conn.ws.readyState === conn.ws.OPEN && conn.ws.bufferedAmount > BACKFILL_PAUSE_BYTES)
      await new Promise((r) => setTimeout(r, 10));
  }

  /** Follow a channel: presence of its members first, then (with afterSeq) what was missed, then live. */
  async function join(conn: Conn, channelId: string, afterSeq: number | undefined) {
    const loaded = await reader.channel(channelId);
    if (loaded.state.status === 'none') throw chatErrors.channelNotFound();
    if (!loaded.state.members.includes(conn.claims.userId)) throw chatErrors.notAMember();
    const cached = members.get(channelId);
    if (!cached || cached.seq < loaded.seq)
      members.set(channelId, { ids: new Set(loaded.state.members), seq: loaded.seq });
    const sub: Sub = { lastSent: afterSeq ?? 0, backlog: afterSeq === undefined ? null : [] };
    conn.subs.set(channelId, sub);
    add(byChannel, channelId, conn);
    for (const userId of members.get(channelId)?.ids ?? [])
      if (presence.isOnline(userId)) send(conn, presenceFrame(userId, true, channelId));
    if (afterSeq !== undefined) {
      try {
        for await (const e of channelEventsAfter({ log, channelId, afterSeq })) {
          if (conn.subs.get(channelId) !== sub) return; // left or joined again meanwhile
          const frame = frameFor(e);
          if (!frame || frame.seq <= sub.lastSent) continue;
          sub.lastSent = frame.seq;
          send(conn, frame.data);
          await waitForRoom(conn);
        }
      } finally {
        const backlog = sub.backlog ?? [];
        sub.backlog = null;
        if (conn.subs.get(channelId) === sub) for (const frame of backlog) deliver(conn, sub, frame);
      }
    }
    send(conn, joinedFrame(channelId, sub.lastSent));
  }

  async function isMemberNow(userId: string, channelId: string): Promise<boolean> {
    const cached = members.get(channelId);
    if (cached) return cached.ids.has(userId);
    const loaded = await reader.channel(channelId);
    return loaded.state.status !== 'none' && loaded.state.members.includes(userId);
  }

  function accept(ws: WebSocket, claims: TokenClaims): Conn {
    const conn: Conn = { ws, claims, role: claims.role, subs: new Map(), typingIn: new Set() };
    conns.add(conn);
    add(byUser, claims.userId, conn);
    presence.connected(claims.userId);
    ws.once('close', () => {
      conns.delete(conn);
      drop(byUser, claims.userId, conn);
      for (const channelId of [...conn.subs.keys()]) unsubscribe(conn, channelId);
      presence.disconnected(claims.userId);
      for (const channelId of conn.typingIn) publishTyping(claims.userId, channelId, false);
    });
    return conn;
  }

  function publishTyping(userId: string, channelId: string, typing: boolean) {
    const body = JSON.stringify({ user_id: userId, channel: channelId, typing });
    try {
      log.nc.publish(log.names.ephemeral('typing', channelId), body);
    } catch {
      // Draining or closed: a shutdown; typing is ephemeral and nobody is left to tell.
    }
  }

  const closeWhere = (match: (c: Conn) => boolean, code: number, reason: string) => {
    for (const conn of [...conns]) if (match(conn)) conn.ws.close(code, reason);
  };

  return {
    accept,
    join,
    leave: (conn: Conn, channelId: string) => unsubscribe(conn, channelId),
    onEvent,
    wants,
    onTyping,
    publishTyping,
    isMemberNow,
    send,
    closeUser: (userId: string, reason: string) =>
      closeWhere((c) => c.claims.userId === userId, CLOSE.revoked, reason),
    closeSession: (sessionId: string, reason: string) =>
      closeWhere((c) => c.claims.sessionId === sessionId, CLOSE.revoked, reason),
    setRole: (userId: string, role: string) => {
      for (const conn of byUser.get(userId) ?? []) {
        conn.role = role;
        send(conn, roleFrame(role));
      }
    },
    /** A frame for one person's sockets here (play: level-ups, achievements). */
    toUser: (userId: string, frame: object) => {
      const data = encodeFrame(frame);
      for (const conn of byUser.get(userId) ?? []) send(conn, data);
    },
    /** A frame for every socket here, serialised once (play: boards changed). */
    toAll: (frame: object) => {
      const data = encodeFrame(frame);
      for (const conn of conns) send(conn, data);
    },
    closeAll: () => closeWhere(() => true, CLOSE.restart, 'server restarting; reconnect'),
    size: () => conns.size,
    logger,
  };
}
