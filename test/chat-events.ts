// Publishes chat events the way the chat writer does: sealed under the sender's key.
import { create } from '@bufbuild/protobuf';
import { ChatEventSchema, MessagePostedSchema } from '../contracts/gen/hearth/chat/v1/events_pb.ts';
import { encode, eventHeaders } from '../writers/log/encode.ts';
import type { Log } from '../writers/log/open.ts';

export async function publishPosted(
  log: Log,
  post: { channelId: string; messageId: string; senderId: string; content: string },
): Promise<number> {
  const event = { case: 'messagePosted' as const, value: create(MessagePostedSchema, post) };
  const meta = { actorId: post.senderId, correlationId: 'test', now: new Date() };
  // A line Hearth itself posts has no owner: nothing to seal.
  if (post.senderId) await log.keys.ready([post.senderId]);
  const ack = await log.js.publish(
    log.names.chat.message(post.channelId, post.messageId),
    encode(ChatEventSchema, event, meta, log.keys),
    { headers: eventHeaders(event, meta) },
  );
  return ack.seq;
}
