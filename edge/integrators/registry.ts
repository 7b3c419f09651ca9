// The feeds open on this edge, by key, bounded per key and per hub. A revoke reaches every edge
// at once: each listens to the API key subjects on core NATS (a JetStream publish is also
// delivered there) and closes that key's feeds. While this edge cannot hear them (NATS away)
// every feed is closed: its reader reconnects and is authenticated again.
import type { Logger } from 'pino';
import { IdentityEventSchema } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import type { Log } from '../../writers/log/open.ts';
import { integratorErrors } from './errors.ts';

export type OpenFeed = {
  keyId: string;
  /**
   * Ends the feed: revoked (`revoked`: its connection is reset, so nothing queued for it
   * arrives), or this edge deaf to revokes, or stopping (ended gracefully; the reader comes back).
   */
  close: (revoked: boolean) => void;
  /** Events fetched and not yet written to the reader (the back-pressure test reads it). */
  buffered: number;
  /** Stream seq of the last event the reader's response took (the revoke test reads it). */
  sent?: number;
};

export type FeedRegistry = ReturnType<typeof createFeedRegistry>;

export function createFeedRegistry({
  log,
  logger,
  maxPerKey = 4,
  maxFeeds = 64,
}: {
  log: Log;
  logger: Logger;
  maxPerKey?: number;
  maxFeeds?: number;
}) {
  const feeds = new Map<string, Set<OpenFeed>>();
  /** Keys revoked since this edge started: a feed authenticated just before is refused here. */
  const revoked = new Set<string>();
  let count = 0;

  const closeAll = (keyId?: string) => {
    for (const [id, set] of feeds) {
      if (keyId !== undefined && id !== keyId) continue;
      for (const f of set) f.close(keyId !== undefined);
    }
  };
  const root = log.names.domainFilter('identity').slice(0, -1);
  const sub = log.nc.subscribe(`${root}apikey.*`, {
    callback: (err, msg) => {
      if (err) {
        logger.warn({ err }, 'API key events subscription failed; closing every feed');
        closeAll();
        return;
      }
      try {
        const { event } = decodeEnvelope(IdentityEventSchema, msg.data);
        if (event.case !== 'apiKeyRevoked') return;
        revoked.add(event.value.keyId);
        closeAll(event.value.keyId);
      } catch (e) {
        logger.warn({ err: e, subject: msg.subject }, 'undecodable API key event ignored');
      }
    },
  });
  void (async () => {
    for await (const s of log.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection' || s.type === 'slowConsumer') closeAll();
    }
  })().catch(() => undefined);

  return {
    /** Holds a place for the key's feed; throws when revoked or when there is no room. */
    open(feed: OpenFeed): () => void {
      if (revoked.has(feed.keyId)) throw integratorErrors.keyInvalid();
      const set = feeds.get(feed.keyId) ?? new Set<OpenFeed>();
      if (set.size >= maxPerKey || count >= maxFeeds) throw integratorErrors.tooManyFeeds();
      set.add(feed);
      feeds.set(feed.keyId, set);
      count++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        set.delete(feed);
        count--;
        if (set.size === 0) feeds.delete(feed.keyId);
      };
    },
    isRevoked: (keyId: string) => revoked.has(keyId),
    stats: () => ({
      open: count,
      buffered: [...feeds.values()].reduce((n, set) => n + [...set].reduce((m, f) => m + f.buffered, 0), 0),
      /** The highest seq any open feed's response took. */
      sent: [...feeds.values()].reduce((n, set) => [...set].reduce((m, f) => Math.max(m, f.sent ?? 0), n), 0),
    }),
    stop: () => {
      sub.unsubscribe();
      closeAll();
    },
  };
}
