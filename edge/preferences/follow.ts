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
  let restarting = false;
  const open = async () => {
    const consumer = await log.js.consumers.get(stream, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: lastSeq + 1,
    });
    return consumer.consume({ max_messages: 100 });
  };
  let messages = await open();
  log.link.onBack(() => {
    if (stopping) return;
    const found = messages;
    void log.jsm.streams
      .info(stream)
      .then(({ state }) => {
        if (state.last_seq < lastSeq) lastSeq = 0;
      })
      .catch(() => undefined)
      .then(async () => {
        if (stopping || found !== messages) return;
        restarting = true;
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
      if (!restarting) {
        logger.error({ lastSeq, stream }, 'stream follower ended; following again');
        await new Promise((r) => setTimeout(r, 1000));
      }
      restarting = false;
      messages = await open().catch((err) => {
        logger.error({ err, stream }, 'stream follower could not restart');
        return messages;
      });
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await messages.close();
      await done;
    },
  };
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
