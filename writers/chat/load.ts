// Reads the chat aggregates a decision needs but does not write: the channel when posting,
// the message replied to. The appender's cache is per process and is only corrected by a
// failed expectation, which never happens on a subject nobody appends to here, so a member
// removed through another edge could keep posting. One direct get of the subject's last
// sequence tells whether the cached state is current; only newer events are folded.
import { fromBinary } from '@bufbuild/protobuf';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { type AggregateType, hashKey } from '../append.ts';
import type { Log } from '../log.ts';
import { channelAggregate } from './channel.ts';
import { checkedId, messageKey } from './ids.ts';
import { messageAggregate } from './message.ts';
import type { Channel, ChatEventBody, Message } from './state.ts';

export type Loaded<S> = { state: S; seq: number };

export type ChatReader = {
  channel: (channelId: string) => Promise<Loaded<Channel>>;
  message: (channelId: string, messageId: string) => Promise<Loaded<Message>>;
  /** The channel was just changed through this process: later reads must not share an older one. */
  changed: (channelId: string) => void;
};

const CACHE_LIMIT = 10_000;

export function createChatReader({ log }: { log: Log }): ChatReader {
  const cache = new Map<string, Loaded<unknown>>();
  const reading = new Map<string, Promise<Loaded<unknown>>>();
  const stream = log.names.stream('chat');

  /**
   * Posts to one channel arrive faster than a round trip: a read already on its way answers
   * every caller that asks meanwhile. Its answer is at most one round trip older than the
   * caller, the same margin a read of one's own has against a change landing just after it.
   */
  function load<S, C>(type: AggregateType<S, C, ChatEvent>, id: string): Promise<Loaded<S>> {
    const subject = type.subject(log.names, id);
    const pending = reading.get(subject);
    if (pending) return pending as Promise<Loaded<S>>;
    const read = refresh(type, subject).finally(() => reading.delete(subject));
    reading.set(subject, read);
    return read;
  }

  async function refresh<S, C>(type: AggregateType<S, C, ChatEvent>, subject: string): Promise<Loaded<S>> {
    let current = cache.get(subject) as Loaded<S> | undefined;
    if (!current) {
      current = { state: type.decider.initialState, seq: 0 };
      if (type.snapshot) {
        const entry = await log.snapshots.get(hashKey(subject));
        if (entry && entry.length > 0) current = entry.json<Loaded<S>>();
      }
    }
    const last = await log.jsm.direct.getMessage(stream, { last_by_subj: subject });
    if (!last || last.seq <= current.seq) return remember(subject, current);
    let { state, seq } = current;
    while (seq < last.seq) {
      const msg = (await log.jsm.direct.getMessage(stream, { seq: seq + 1, next_by_subj: subject })) ?? last;
      const event = fromBinary(type.envelope, msg.data).event as ChatEventBody | { case: undefined };
      if (event.case !== undefined) state = type.decider.evolve(state, event);
      seq = msg.seq;
    }
    return remember(subject, { state, seq });
  }

  function remember<S>(subject: string, loaded: Loaded<S>): Loaded<S> {
    cache.delete(subject);
    cache.set(subject, loaded);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    return loaded;
  }

  return {
    channel: (channelId) => load(channelAggregate, checkedId(channelId, 'channel')),
    message: (channelId, messageId) =>
      load(messageAggregate, messageKey(checkedId(channelId, 'channel'), checkedId(messageId, 'message'))),
    changed: (channelId) => {
      reading.delete(channelAggregate.subject(log.names, checkedId(channelId, 'channel')));
    },
  };
}
