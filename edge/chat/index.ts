// Chat in one hub process: the read models and the family reactor for the projector runner,
// the REST routes, and the WebSocket gateway (tickets, presence, typing, live fan-out).
import type { Server } from 'node:http';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SessionEndedFrame } from '../../contracts/chat.frames.ts';
import { chatChannelsProjection } from '../../projectors/chat-channels/projection.ts';
import { familyReactor } from '../../projectors/chat-family/reactor.ts';
import { chatMessagesProjection } from '../../projectors/chat-messages/projection.ts';
import { findUser, isBanned } from '../../projectors/identity-users/queries.ts';
import { isDatabaseUnavailable } from '../../projectors/runtime/pool.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import type { LookupFiles } from '../../writers/chat/attachments.ts';
import { type ChatWriter, createChatWriter } from '../../writers/chat/commands.ts';
import { createChatReader } from '../../writers/chat/load.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import type { HubEnv } from '../http/context.ts';
import type { AuthGate, HubDeps, RefusedAttempt } from '../http/deps.ts';
import { watchIdentity } from '../identity/watch.ts';
import { createTokenStore } from '../socket/tokens.ts';
import { createUpgradeHandler } from '../socket/upgrade.ts';
import { createFrameHandler, RATE_LIMIT_DEFAULTS, type RateLimit } from './connection.ts';
import { followChat } from './follow.ts';
import { createGateway } from './gateway.ts';
import { createHistoryCache } from './history-cache.ts';
import { createPresence, PRESENCE_DEFAULTS, type PresenceOptions } from './presence.ts';
import { chatRoutes } from './routes.ts';

export type ChatOptions = {
  presence?: Partial<PresenceOptions>;
  rateLimit?: RateLimit;
  /** Seconds from a chat event's time to its frames sent here (the hub's metrics). */
  onFannedOut?: (seconds: number) => void;
};

export type Chat = {
  /** Read models and the family reactor, for the projector runner. */
  projections: Projector[];
  writer: ChatWriter;
  routes: (deps: HubDeps) => Hono<HubEnv>;
  /** Serves GET /ws on the node server. */
  attach: (server: Server) => void;
  /** Starts following the log; sockets are accepted only after. */
  start: () => Promise<void>;
  /** A stop has begun: new sockets are refused (503); those open carry on. */
  drain: () => void;
  /**
   * Waits, until `deadline` (ms since the epoch), for every frame received to be answered,
   * then closes every socket with 1012 (service restart), so its client reconnects elsewhere.
   */
  closeSockets: (deadline: number) => Promise<void>;
  stop: () => Promise<void>;
  connections: () => number;
  /** A read model changed with no new event (a rebuild, a dead letter resolved). */
  rewritten: (readModel: string) => void;
  /** Frames that are not chat events, for the sockets of this process (play's live updates). */
  push: {
    toUser: (userId: string, frame: Record<string, unknown>) => void;
    toAll: (frame: Record<string, unknown>) => void;
  };
};

export async function createChat({
  log,
  appender,
  db,
  auth,
  trustedOrigins,
  logger,
  lookupFiles,
  refused,
  options = {},
}: {
  log: Log;
  appender: Appender;
  db: Kysely<unknown>;
  auth: Pick<AuthGate, 'can'>;
  /** Origins whose pages may open a socket. */
  trustedOrigins: string[];
  logger: Logger;
  /** What media knows of the files a post attaches; without it, every attachment is refused. */
  lookupFiles?: LookupFiles;
  /** Records a frame refused by a permission or the rate limit on the audit log. */
  refused?: (attempt: RefusedAttempt) => void;
  options?: ChatOptions;
}): Promise<Chat> {
  const reader = createChatReader({ log });
  const writer = createChatWriter({ appender, reader, ...(lookupFiles ? { lookupFiles } : {}) });
  const tokens = await createTokenStore({ log });
  const presence = await createPresence({
    log,
    logger,
    options: { ...PRESENCE_DEFAULTS, ...options.presence },
  });
  const gateway = createGateway({ log, reader, presence, logger });
  // <root>.chat.channel.<id>.message.<message id> (contracts/subjects.ts)
  const channels = `${log.names.domainFilter('chat').slice(0, -1)}channel.`;
  const erasures = log.names.chat.erasure('_').slice(0, -1);
  const pages = createHistoryCache({
    // A member erased: their lines in every channel read blank from then on.
    touchesEveryChannel: (subject) => subject.startsWith(erasures),
    messageChannel: (subject) => {
      if (!subject.startsWith(channels)) return null;
      const dot = subject.indexOf('.', channels.length);
      return dot > 0 && subject.startsWith('.message.', dot) ? subject.slice(channels.length, dot) : null;
    },
  });
  const frames = createFrameHandler({
    gateway,
    writer,
    auth,
    logger,
    rateLimit: options.rateLimit ?? RATE_LIMIT_DEFAULTS,
    ...(refused && { refused }),
  });
  // Banned since the ticket was issued: the read model may not know yet, this edge may.
  const recentlyBanned = new Map<string, number>();
  let follower: { stop: () => Promise<void> } | undefined;
  let identity: { stop: () => void } | undefined;
  let typing: { unsubscribe: () => void } | undefined;

  const upgrades = createUpgradeHandler({
    tokens,
    trustedOrigins,
    logger,
    admit: async (claims) => {
      if ((recentlyBanned.get(claims.userId) ?? 0) > Date.now()) return null;
      // With the database away, the ticket speaks for the person: issued under a minute ago to
      // a session then verified, and a ban since is in recentlyBanned, heard on the events.
      const user = await findUser(db, claims.userId).catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) return undefined;
        throw err;
      });
      if (user && isBanned(user)) return null;
      return { ...claims, role: user?.role ?? claims.role };
    },
    onConnection: (ws, claims) => {
      if (!follower) {
        ws.close(1013, 'starting; try again shortly');
        return;
      }
      const conn = gateway.accept(ws, claims);
      ws.on('message', (data, isBinary) => frames.handle(conn, isBinary ? '' : data.toString()));
    },
  });

  return {
    projections: [
      chatChannelsProjection,
      chatMessagesProjection,
      familyReactor({ chat: writer }),
    ] as unknown as Projector[],
    writer,
    routes: (deps) => chatRoutes({ deps, chat: { writer, reader, tokens, presence, pages } }),
    attach: upgrades.attach,
    push: { toUser: gateway.toUser, toAll: gateway.toAll },
    start: async () => {
      typing = log.nc.subscribe(`${log.names.ephemeral('typing')}.*`, {
        callback: (err, msg) => {
          if (err) return;
          try {
            const t = msg.json<{ user_id: string; channel: string; typing: boolean }>();
            gateway.onTyping(t.user_id, t.channel, t.typing === true);
          } catch {
            // Not a typing signal we understand.
          }
        },
      });
      identity = watchIdentity({
        log,
        logger,
        on: {
          banned: (userId, { reason, until }) => {
            recentlyBanned.set(userId, Date.now() + 60_000);
            // Why, before the close: the page tells the person, in family words.
            const ended: SessionEndedFrame = { type: 'session_ended', why: 'banned', reason, until };
            gateway.toUser(userId, ended);
            gateway.closeUser(userId, 'banned');
          },
          roleChanged: (userId, role) => gateway.setRole(userId, role),
          sessionEnded: (sessionId) => gateway.closeSession(sessionId, 'signed out'),
        },
      });
      const followed = await followChat({
        log,
        logger,
        onEvent: options.onFannedOut
          ? (e) => {
              gateway.onEvent(e);
              options.onFannedOut?.((Date.now() - e.occurredAt.getTime()) / 1000);
            }
          : gateway.onEvent,
        wants: gateway.wants,
        onSeen: pages.seen,
        // Positions seen before no longer compare with those after: no page from memory
        // until the hub starts again (/ready says the log lost its history meanwhile).
        onNewStream: () => pages.stop(),
      });
      pages.following(followed.from);
      follower = followed;
      // While NATS is away the follower hears nothing: pages are not answered from memory.
      // Nor does the identity watch (core subjects, no replay): a ban, a revoke or a demotion
      // made meanwhile on another edge never reaches the sockets open here. So once back,
      // every socket closes with 1012 and its client reconnects with a new ticket, which the
      // gate checks again (this edge's memory of sessions started empty on the way).
      void (async () => {
        for await (const s of log.nc.status()) {
          if (s.type === 'disconnect' || s.type === 'staleConnection' || s.type === 'slowConsumer')
            pages.deaf();
          else if (s.type === 'reconnect') {
            pages.hearing();
            gateway.closeAll();
          }
        }
      })().catch(() => undefined);
    },
    drain: upgrades.drain,
    closeSockets: async (deadline) => {
      upgrades.drain();
      while (frames.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      gateway.closeAll();
      await upgrades.close();
    },
    stop: async () => {
      gateway.closeAll();
      await upgrades.close();
      typing?.unsubscribe();
      identity?.stop();
      pages.deaf();
      await follower?.stop();
      follower = undefined;
      await presence.stop();
    },
    connections: gateway.size,
    rewritten: (readModel) => {
      // Pages kept from before are read again; the follower's positions still hold.
      if (readModel === chatMessagesProjection.name) pages.forget();
    },
  };
}
