// The two ways an edge reads chat events from the log: live, following every chat subject
// from the current end (one ordered consumer per edge process), and back, replaying one
// channel after a sequence for a client that reconnects.
import type { Logger } from 'pino';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { decodeEvent, type RawMessage, type StoredEvent } from '../../writers/log/decode.ts';
import { messagesAfter } from '../../writers/log/fold.ts';
import { fetchKey, KeyPending } from '../../writers/log/keys.ts';
import type { Log } from '../../writers/log/open.ts';
import { followLog } from '../socket/follow.ts';

export type ChatStored = StoredEvent<ChatEvent>;

/**
 * Starts following; resolves once the consumer exists, so nothing published later is missed.
 * Should the consumer end under it (the server lost it), it follows again from the next
 * sequence it has not seen, so fan-out skips nothing. After a reconnect it follows again the
 * same way, with a consumer of its own making: the client's own recovery of an ordered
 * consumer can ask the new one for nothing while it counts the old one's pull as pending, and
 * then waits out two missed heartbeats (30 s). A server back without its store has a new,
 * shorter stream: following it from the old position would skip everything until it grew past
 * it, so then it follows the new stream from its start (edge/socket/follow.ts does all this).
 */
export async function followChat({
  log,
  logger,
  onEvent,
  wants = () => true,
  onSeen,
  onNewStream,
}: {
  log: Log;
  logger: Logger;
  onEvent: (e: ChatStored) => void;
  /** False for a subject nobody here needs: its event is not even decoded. */
  wants?: (subject: string) => boolean;
  /** Every event's subject and sequence, wanted or not, before it is decoded. */
  onSeen?: (subject: string, seq: number) => void;
  /** The server came back without its store: sequences start again below those seen. */
  onNewStream?: () => void;
}): Promise<{ stop: () => Promise<void>; from: number }> {
  const stream = log.names.stream('chat');
  return followLog({
    log,
    stream,
    filter: log.names.domainFilter('chat'),
    logger,
    maxMessages: 1000,
    ...(onNewStream ? { onNewStream } : {}),
    onMessage: async (m, stopping) => {
      onSeen?.(m.subject, m.seq);
      if (!wants(m.subject)) return;
      let e: ChatStored;
      try {
        e = await decodeReady(stream, m, stopping);
      } catch (err) {
        logger.warn({ err, seq: m.seq }, 'undecodable chat event not fanned out');
        return;
      }
      try {
        onEvent(e);
      } catch (err) {
        logger.error({ err, seq: m.seq }, 'chat fan-out failed');
      }
    },
  });
}

/**
 * The event, its personal fields opened. A key another process made a moment ago (KeyPending)
 * is fetched and the event decoded again, as long as it takes: an event is never skipped for
 * it, and the ones after it wait their turn. Bytes that do not decode still throw.
 */
export async function decodeReady(
  stream: string,
  msg: RawMessage,
  stopping: () => boolean = () => false,
): Promise<ChatStored> {
  for (let attempt = 0; ; attempt++) {
    try {
      return decodeEvent('chat', stream, msg) as ChatStored;
    } catch (err) {
      if (!(err instanceof KeyPending) || stopping()) throw err;
      await fetchKey(err.keyId);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** attempt)));
    }
  }
}

/** Every event of one channel after `afterSeq`, in order, up to the end of the log as it is now. */
export async function* channelEventsAfter({
  log,
  channelId,
  afterSeq,
}: {
  log: Log;
  channelId: string;
  afterSeq: number;
}): AsyncGenerator<ChatStored> {
  const stream = log.names.stream('chat');
  const filter = log.names.chat.channel(channelId);
  for await (const msg of messagesAfter({ log, stream, filter, afterSeq })) {
    yield await decodeReady(stream, msg);
  }
}
