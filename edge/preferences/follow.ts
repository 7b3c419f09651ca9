// How an edge hears a domain's events as they are appended, for its sockets, decoded:
// edge/socket/follow.ts does the following (reconnects, a new stream, stopping).
import type { Logger } from 'pino';
import { HEADERS } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEvent, type StoredEvent } from '../../writers/log/decode.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import type { Log } from '../../writers/log/open.ts';
import { followLog } from '../socket/follow.ts';

export async function followStream({
  log,
  domain,
  filter = log.names.domainFilter(domain),
  logger,
  wants = () => true,
  onEvent,
  onLost,
  onNewStream,
}: {
  log: Log;
  domain: Domain;
  filter?: string;
  logger: Logger;
  /** False for an event type (its Hearth-Type header) nobody here needs: it is not decoded. */
  wants?: (type: string) => boolean;
  onEvent: (e: StoredEvent) => void;
  /**
   * An event may not have been heard in time: one dropped (undecodable), or the follower
   * stalled and follows again. What is held from the stream may be stale.
   */
  onLost?: () => void;
  /** The server came back without its store: the sequences held from the old stream mean nothing. */
  onNewStream?: () => void;
}): Promise<{ stop: () => Promise<void> }> {
  const stream = log.names.stream(domain);
  return followLog({
    log,
    stream,
    filter,
    logger,
    ...(onNewStream ? { onNewStream } : {}),
    ...(onLost ? { onRestart: onLost } : {}),
    onMessage: async (m, stopping) => {
      if (!wants(m.headers?.get(HEADERS.type) ?? '')) return;
      try {
        onEvent(await decodeReady(domain, stream, m, stopping));
      } catch (err) {
        logger.warn({ err, seq: m.seq, stream }, 'event not pushed to sockets');
        onLost?.();
      }
    },
  });
}

/** The event with its personal fields opened, waiting for a key another process just made. */
async function decodeReady(
  domain: Domain,
  stream: string,
  msg: Parameters<typeof decodeEvent>[2],
  stopping: () => boolean,
): Promise<StoredEvent> {
  for (let attempt = 0; ; attempt++) {
    try {
      return decodeEvent(domain, stream, msg);
    } catch (err) {
      if (!(err instanceof KeyPending) || stopping()) throw err;
      await fetchKey(err.keyId);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** attempt)));
    }
  }
}
