// Who is online, shared by every edge process and never written to the log. Each edge keeps
// one KV key per person it holds sockets for (<user>.<edge>, TTL + heartbeats), announces
// changes on a core subject, and mirrors everyone's keys. A person is online while any edge
// holds a key for them. Closing the last socket waits a grace period before the key goes,
// so a tab reload (or a hop to another edge) never shows them offline.
import { randomBytes } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { type Log, openBucket } from '../../writers/log/open.ts';

export type PresenceOptions = { ttlMs: number; heartbeatMs: number; graceMs: number };
export const PRESENCE_DEFAULTS: PresenceOptions = { ttlMs: 30_000, heartbeatMs: 10_000, graceMs: 5_000 };

export type Presence = {
  instanceId: string;
  /** A socket of this person opened here. */
  connected: (userId: string) => void;
  /** A socket of this person closed here. */
  disconnected: (userId: string) => void;
  isOnline: (userId: string) => boolean;
  onChange: (listener: (userId: string, online: boolean) => void) => void;
  stop: () => Promise<void>;
};

type Announcement = { user_id: string; instance: string; online: boolean };

export async function createPresence({
  log,
  logger,
  options = PRESENCE_DEFAULTS,
}: {
  log: Log;
  logger: Logger;
  options?: PresenceOptions;
}): Promise<Presence> {
  const instanceId = randomBytes(6).toString('hex');
  // In memory, so a restarted server has lost it: the log's link makes it again (writers/log/upkeep.ts).
  const kv = await openBucket(log, 'presence', {
    ttl: options.ttlMs,
    history: 1,
    replicas: log.replicas,
    storage: StorageType.Memory,
  });
  const { reach } = log.link;
  const subject = (userId: string) => log.names.ephemeral('presence', userId);
  const view = new Map<string, Set<string>>(); // user → edges holding a key for them
  const local = new Map<string, number>(); // user → sockets open here
  const leaving = new Map<string, NodeJS.Timeout>();
  const listeners: ((userId: string, online: boolean) => void)[] = [];
  let stopped = false;

  // When each (user, edge) pair last changed by announcement: a reconcile whose listing is
  // older than that must not undo it.
  const announcedAt = new Map<string, number>();
  const apply = (userId: string, instance: string, online: boolean, healing = false) => {
    const pair = `${userId}.${instance}`;
    if (healing && Date.now() - (announcedAt.get(pair) ?? 0) < options.heartbeatMs) return;
    if (!healing) announcedAt.set(pair, Date.now());
    const edges = view.get(userId) ?? new Set<string>();
    const was = edges.size > 0;
    if (online) edges.add(instance);
    else edges.delete(instance);
    if (edges.size > 0) view.set(userId, edges);
    else view.delete(userId);
    if (was !== edges.size > 0) for (const l of listeners) l(userId, !was);
  };

  // Local sockets see the change at once; the others hear it once the key is written, so a
  // reconcile elsewhere never finds an announced edge missing from the bucket.
  const announce = async (userId: string, online: boolean, write: Promise<unknown>) => {
    apply(userId, instanceId, online);
    await write;
    const body: Announcement = { user_id: userId, instance: instanceId, online };
    try {
      if (!stopped) log.nc.publish(subject(userId), JSON.stringify(body));
    } catch (err) {
      logger.warn({ err }, 'presence announcement not sent');
    }
  };

  const key = (userId: string) => `${userId}.${instanceId}`;
  const putKey = (userId: string) =>
    reach(() => kv.put(key(userId), String(Date.now()))).catch((err) =>
      logger.warn({ err }, 'presence put failed'),
    );

  const sub: Subscription = log.nc.subscribe(`${log.names.ephemeral('presence')}.*`, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const a = msg.json<Announcement>();
        if (a.instance !== instanceId) apply(a.user_id, a.instance, a.online);
      } catch {
        // Not ours to understand: ignore.
      }
    },
  });

  // Back from a reconnect, or when it lacks this edge's own keys, the bucket may be new and
  // empty (the server lost it) until every edge has written its keys again (each does on its
  // way back, or at its next heartbeat): nobody goes offline for what it lacks until then.
  let backAt = 0;

  /** The bucket is the truth: keys of an edge that died expire, and missed announcements heal. */
  async function reconcile() {
    for (const [pair, at] of announcedAt) if (Date.now() - at > options.heartbeatMs) announcedAt.delete(pair);
    const seen = new Map<string, Set<string>>();
    const own = new Set<string>();
    for await (const k of await reach(() => kv.keys())) {
      const at = k.lastIndexOf('.');
      if (at <= 0) continue;
      const user = k.slice(0, at);
      const edge = k.slice(at + 1);
      if (edge === instanceId) own.add(user);
      else seen.set(user, (seen.get(user) ?? new Set()).add(edge));
    }
    const intact = [...local.keys()].every((user) => own.has(user));
    const settled = intact && Date.now() - backAt > 2 * options.heartbeatMs;
    for (const [user, edges] of [...view]) {
      for (const edge of [...edges])
        if (settled && edge !== instanceId && !seen.get(user)?.has(edge)) apply(user, edge, false);
    }
    for (const [user, edges] of seen)
      for (const edge of edges) if (!view.get(user)?.has(edge)) apply(user, edge, true);
  }

  await reconcile();
  const heartbeat = () => {
    for (const user of local.keys()) void putKey(user);
    reconcile().catch((err) => logger.warn({ err }, 'presence reconcile failed'));
  };
  // While the log is away there is nothing to write to, and nothing to say about it every beat.
  const beat = setInterval(() => {
    if (log.link.up()) heartbeat();
  }, options.heartbeatMs);
  beat.unref();
  const offBack = log.link.onBack(() => {
    if (stopped) return;
    backAt = Date.now();
    heartbeat();
  });

  return {
    instanceId,
    connected: (userId) => {
      if (stopped) return;
      const n = local.get(userId) ?? 0;
      local.set(userId, n + 1);
      const pending = leaving.get(userId);
      if (pending) {
        clearTimeout(pending);
        leaving.delete(userId);
      }
      if (n === 0 && !pending) void announce(userId, true, putKey(userId));
    },
    disconnected: (userId) => {
      // Sockets closed by a shutdown leave their keys to expire (see stop).
      if (stopped) return;
      const n = (local.get(userId) ?? 1) - 1;
      if (n > 0) {
        local.set(userId, n);
        return;
      }
      local.delete(userId);
      leaving.set(
        userId,
        setTimeout(() => {
          leaving.delete(userId);
          if (local.has(userId)) return;
          const removed = reach(() => kv.delete(key(userId))).catch((err) =>
            logger.warn({ err }, 'presence delete failed'),
          );
          void announce(userId, false, removed);
        }, options.graceMs),
      );
    },
    isOnline: (userId) => (view.get(userId)?.size ?? 0) > 0,
    onChange: (listener) => {
      listeners.push(listener);
    },
    stop: async () => {
      stopped = true;
      clearInterval(beat);
      offBack();
      for (const t of leaving.values()) clearTimeout(t);
      leaving.clear();
      sub.unsubscribe();
      // Keys are left to expire: sockets that reconnect elsewhere within the TTL never flap.
    },
  };
}
