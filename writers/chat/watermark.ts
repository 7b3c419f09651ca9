// One reader's watermark in one channel: "seen up to this sequence". It only moves forward,
// so a stale or repeated mark is a no-op rather than an event.
import { create } from '@bufbuild/protobuf';
import {
  ChannelReadSchema,
  type ChatEvent,
  ChatEventSchema,
} from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { chatErrors } from './errors.ts';
import { splitKey } from './ids.ts';
import {
  type Channel,
  type ChatEventBody,
  evolveWatermark,
  initialWatermark,
  type Watermark,
} from './state.ts';

export type ReadCommand = {
  type: 'markRead';
  channelId: string;
  userId: string;
  upToSeq: number;
  channel: Channel;
};

export function decideRead(command: ReadCommand, state: Watermark): ChatEventBody[] {
  if (command.channel.status === 'none') throw chatErrors.channelNotFound();
  if (!command.channel.members.includes(command.userId)) throw chatErrors.notAMember();
  if (command.upToSeq <= state.upToSeq) return [];
  const value = create(ChannelReadSchema, {
    channelId: command.channelId,
    userId: command.userId,
    upToSeq: BigInt(command.upToSeq),
  });
  return [{ case: 'channelRead', value }];
}

export const watermarkAggregate: AggregateType<Watermark, ReadCommand, ChatEvent> = {
  domain: 'chat',
  envelope: ChatEventSchema,
  subject: (names, key) => names.chat.read(...splitKey(key)),
  decider: { initialState: initialWatermark, evolve: evolveWatermark, decide: decideRead },
  concurrency: 'optimistic',
};
