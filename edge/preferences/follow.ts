// How an edge hears a stream's events as they are appended, for its sockets: an ordered
// consumer from the stream's end (only what the stream stored, never a publish it refused),
// after edge/chat/follow.ts. After a reconnect it follows again from the next sequence it has
// not seen, with a consumer of its own making; on a server back without its store, from the
// new stream's start.
import { DeliverPolicy } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { HEADERS } from '../../contracts/events.ts';
import type { Domain } from '../../contracts/subjects.ts';
import { decodeEvent, type StoredEvent } from '../../writers/log/decode.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import type { Log } from '../../writers/log/open.ts';

export async function followStream({
  log,
  domain,
  filter = log.names.domainFilter(domain),
  logger,
  wants = () => true,
  onEvent,
}: {
  log: Log;
  domain: Domain;
  filter?: string;
  logger: Logger;
  /** False for an event type (its Hearth-Type header) nobody here needs: it is not decoded. */
  wants?: (type: string) => boolean;
  onEvent: (e: StoredEvent) => void;
}): Promise<{ stop: () => Promise<void> }> {
  const stream = log.names.stream(domain);
  let lastSeq = (await log.jsm.streams.info(stream)).state.last_seq;
  let stopping = false;
  /** Aborted by stop(): wakes the pause before following again. */
  const halt = new AbortController();
  /** Closed on purpose, to follow again at once: after a reconnect, or on a new stream. */
  let restarting: 'again' | 'new stream' | undefined;
  const open = async () => {
    const consumer = await log.js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: lastSeq + 1,
    });
    return consumer.consume({ max_messages: 100 });
  };
  let messages = await open();
  const offBack = log.link.onBack(() => {
    if (stopping) return;
    // Only the consumer this reconnect found is closed: one opened since is already new.
    const found = messages;
    void log.jsm.streams
      .info(stream)
      .then(({ state }) => (state.last_seq < lastSeq ? ('new stream' as const) : ('again' as const)))
      .catch(() => 'again' as const)
      .then(async (why) => {
        if (stopping || found !== messages) return;
        restarting = why;
        await found.close();
      });
  });
  const done = (async () => {
    while (!stopping) {
      for await (const m of messages) {
        lastSeq = m.seq;
        if (!wants(m.headers?.get(HEADERS.type) ?? '')) continue;
        try {
          onEvent(await decodeReady(domain, stream, m, () => stopping));
        } catch (err) {
          logger.warn({ err, seq: m.seq, stream }, 'event not pushed to sockets');
        }
      }
      if (stopping) break;
      // Only once this loop is done with the old stream's positions.
      if (restarting === 'new stream') lastSeq = 0;
      else if (!restarting) {
        logger.error({ lastSeq, stream }, 'stream follower ended; following again');
        await pause(1000, halt.signal);
        if (stopping) break;
      }
      restarting = undefined;
      const next = await open().catch((err) => {
        logger.error({ err, stream }, 'stream follower could not restart');
        return undefined;
      });
      // Stopped while it opened: stop() closed the one before, this one is closed here.
      if (stopping) {
        await next?.close();
        break;
      }
      if (next) messages = next;
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      halt.abort();
      offBack();
      await messages.close();
      await done;
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
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
