// How an edge hears a stream's events as they are appended, for its sockets: an ordered
// consumer from the stream's end (only what the stream stored, never a publish it refused).
// Should the consumer end under it (the server lost it), it follows again from the next
// sequence it has not seen, so nothing is skipped. After a reconnect it follows again the same
// way, with a consumer of its own making: the client's own recovery of an ordered consumer can
// ask the new one for nothing while it counts the old one's pull as pending, and then waits
// out two missed heartbeats (30 s). A server back without its store has a new, shorter stream:
// following it from the old position would skip everything until it grew past it, so then it
// follows the new stream from its start. stop() leaves nothing behind: no consumer open (even
// one opening as it is called), no pause pending, no listener on the link.
import { type ConsumerMessages, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { Log } from '../../writers/log/open.ts';

export type Following = { stop: () => Promise<void>; from: number };

export async function followLog({
  log,
  stream,
  filter,
  logger,
  maxMessages = 100,
  onMessage,
  onNewStream,
  onRestart,
}: {
  log: Log;
  stream: string;
  filter: string;
  logger: Logger;
  maxMessages?: number;
  /** Each message in order; the next waits for it. Its failures are its own to report. */
  onMessage: (m: JsMsg, stopping: () => boolean) => Promise<void>;
  /** The server came back without its store: sequences start again below those seen. */
  onNewStream?: () => void;
  /**
   * The consumer ended (a reconnect, a new stream, or lost under it): until it follows again,
   * what is appended is not heard here.
   */
  onRestart?: () => void;
}): Promise<Following> {
  // From the end of the log as it stands now: every event after `from` is seen, none before.
  const from = (await log.jsm.streams.info(stream)).state.last_seq;
  let lastSeq = from;
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
    // Short pulls and heartbeats: a consumer lost with a cluster node (the edge's own connection
    // still up, so no reconnect tells) is noticed after two missed heartbeats (4 s), not 30 s.
    return consumer.consume({ max_messages: maxMessages, expires: 5_000, idle_heartbeat: 2_000 });
  };
  let messages = await open();
  /** A stream shorter than what was seen of it is new: made again, or a server's lost store. */
  const judge = () =>
    log.jsm.streams
      .info(stream)
      .then(({ state }) => {
        if (state.last_seq >= lastSeq) return 'again' as const;
        logger.warn(
          { lastSeq, streamLastSeq: state.last_seq, stream },
          'stream is new; following it from its start',
        );
        return 'new stream' as const;
      })
      .catch(() => 'again' as const);
  const offBack = log.link.onBack(() => {
    if (stopping) return;
    // Only the consumer this reconnect found is closed: one opened since is already new.
    const found = messages;
    void judge().then(async (why) => {
      if (stopping || found !== messages) return;
      restarting = why;
      if (why === 'new stream') onNewStream?.();
      await found.close();
    });
  });
  const stopped = () => stopping;
  const done = (async () => {
    while (!stopping) {
      for await (const m of messages) {
        lastSeq = m.seq;
        await onMessage(m, stopped);
      }
      if (stopping) break;
      onRestart?.();
      if (!restarting) {
        logger.error({ lastSeq, stream }, 'stream follower ended; following again');
        await pause(1000, halt.signal);
        if (stopping) break;
      }
      // Until it opens: the ended one cannot be read again, and a cluster electing a new
      // leader for the stream (a node killed) refuses the new consumer for a few seconds.
      let next: Awaited<ReturnType<typeof open>> | undefined;
      while (!stopping && !next) {
        // Read before each try: a reconnect meanwhile may have found a new stream. Only here,
        // once this loop is done with the old stream's positions.
        if (restarting === 'new stream') lastSeq = 0;
        restarting = undefined;
        // A stream deleted and made again (no reconnect to tell) is judged here.
        if (lastSeq > 0 && (await judge()) === 'new stream') {
          onNewStream?.();
          lastSeq = 0;
        }
        if (stopping) break;
        next = await open().catch((err) => {
          logger.error({ err, stream }, 'stream follower could not restart; trying again');
          return undefined;
        });
        // Opened from a position a reconnect during the open has since judged: again.
        if (next && restarting) {
          await drop(next);
          next = undefined;
          continue;
        }
        if (!next) await pause(1000, halt.signal);
      }
      // Stopped while it opened: stop() closed the one before, this one is closed here.
      if (stopping) {
        if (next) await drop(next);
        break;
      }
      if (next) messages = next;
    }
  })();
  return {
    from,
    stop: async () => {
      stopping = true;
      halt.abort();
      offBack();
      await messages.close();
      await done;
    },
  };
}

/** Closes a consumer; its close is queued behind what it holds, so that is read (and dropped). */
async function drop(messages: ConsumerMessages) {
  const closing = messages.close();
  for await (const _dropped of messages);
  await closing;
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
