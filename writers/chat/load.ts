// Reads the chat aggregates a decision needs but does not write: the channel when posting,
// the message replied to. The appender's cache is per process and is only corrected by a
// failed expectation, which never happens on a subject nobody appends to here, so a member
// removed through another edge could keep posting. So the reader goes through the log
// (writers/log/read-through.ts): one direct get says whether the cached state is current.

import type { Log } from '../log/open.ts';
import { createReadThrough, type Loaded } from '../log/read-through.ts';
import { channelAggregate } from './channel.ts';
import { checkedId, messageKey } from './ids.ts';
import { messageAggregate } from './message.ts';
import type { Channel, Message } from './state.ts';

export type { Loaded };

export type ChatReader = {
  channel: (channelId: string) => Promise<Loaded<Channel>>;
  message: (channelId: string, messageId: string) => Promise<Loaded<Message>>;
  /** The channel was just changed through this process: later reads must not share an older one. */
  changed: (channelId: string) => void;
};

export function createChatReader({ log }: { log: Log }): ChatReader {
  const { load, forget } = createReadThrough({ log });
  return {
    channel: (channelId) => load(channelAggregate, checkedId(channelId, 'channel')),
    message: (channelId, messageId) =>
      load(messageAggregate, messageKey(checkedId(channelId, 'channel'), checkedId(messageId, 'message'))),
    changed: (channelId) => forget(channelAggregate.subject(log.names, checkedId(channelId, 'channel'))),
  };
}
