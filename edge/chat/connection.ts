// What one socket may say, and what it is answered. Frames that write go through the chat
// writer, in the order the client sent them; a refusal becomes an error frame and the
// connection stays open.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClientFrame } from '../../contracts/chat.schema.ts';
import { commonErrors, HearthError } from '../../contracts/errors.ts';
import { RefusalKind } from '../../contracts/gen/hearth/audit/v1/events_pb.ts';
import type { ChatWriter } from '../../writers/chat/commands.ts';
import { chatErrors } from '../../writers/chat/errors.ts';
import { newId } from '../../writers/chat/ids.ts';
import type { CommandMeta } from '../../writers/log/append.ts';
import { commandTraceparent } from '../../writers/log/tracing.ts';
import type { AuthGate, RefusedAttempt } from '../http/deps.ts';
import { CHAT_PERMISSIONS } from '../http/permissions.ts';
import { createTokenBucket } from '../http/rate-limit.ts';
import { newTraceparent } from '../http/trace.ts';
import { ackFrame, errorFrame, type Parsed, PONG, parseClientFrame } from './frames.ts';
import type { Conn, Gateway } from './gateway.ts';

export type RateLimit = { burst: number; perSecond: number };
export const RATE_LIMIT_DEFAULTS: RateLimit = { burst: 20, perSecond: 5 };

export type FrameHandler = {
  handle: (conn: Conn, raw: string) => void;
  /** Frames received and not yet answered, on every socket (a stop waits for them). */
  inFlight: () => number;
};

export function createFrameHandler({
  gateway,
  writer,
  auth,
  logger,
  rateLimit = RATE_LIMIT_DEFAULTS,
  refused,
}: {
  gateway: Gateway;
  writer: ChatWriter;
  auth: Pick<AuthGate, 'can'>;
  logger: Logger;
  rateLimit?: RateLimit;
  /** The audit log's recorder: a frame refused by a permission (403) or the rate limit (429). */
  refused?: (attempt: RefusedAttempt) => void;
}): FrameHandler {
  // Per person, shared by all their sockets on this edge: `burst` frames at once, then one
  // every 1/perSecond s: a bucket of `burst` tokens refilled at `perSecond`.
  const take = createTokenBucket(rateLimit);
  const queues = new WeakMap<Conn, Promise<void>>();
  let inFlight = 0;

  const meta = (conn: Conn, commandId?: string, fingerprint?: string): CommandMeta => ({
    commandId: commandId ?? randomUUID(),
    // Only a client-chosen id can come back in a retry; a generated one skips the ledger.
    retryable: commandId !== undefined,
    actorId: conn.claims.actorId,
    onBehalfOf: conn.claims.onBehalfOf,
    clientIp: conn.claims.clientIp,
    userAgent: conn.claims.userAgent,
    correlationId: randomUUID(),
    now: new Date(),
    // Traced, a socket command's trace starts at its append.
    traceparent: commandTraceparent(newTraceparent),
    fingerprint,
  });

  const ack = (conn: Conn, ref: string | undefined, made: { id: string; seq: number }) => {
    if (ref !== undefined) gateway.send(conn, ackFrame(ref, made));
  };

  async function dispatch(conn: Conn, frame: ClientFrame): Promise<void> {
    const userId = conn.claims.userId;
    const may = (permission: keyof typeof CHAT_PERMISSIONS) =>
      auth.can(conn.role, CHAT_PERMISSIONS[permission]);
    if (frame.type !== 'ping' && !may('read')) throw commonErrors.forbidden();
    const writes =
      frame.type === 'message' || frame.type === 'edit' || frame.type === 'delete' || frame.type === 'react';
    if (writes && !may('write')) throw commonErrors.forbidden();
    // A read mark appends too (an event each time it moves on): it draws on the same budget.
    if ((writes || frame.type === 'read') && take(userId) > 0)
      throw commonErrors.rateLimited('Too many messages; slow down.');
    switch (frame.type) {
      case 'message': {
        const messageId = frame.id ?? newId();
        // A client-chosen id makes a resend after a reconnect land once.
        const commandId = frame.id
          ? `${conn.claims.actorId}:chat-post:${frame.channel}:${frame.id}`
          : undefined;
        const result = await writer.post(
          {
            channelId: frame.channel,
            messageId,
            senderId: userId,
            content: frame.content,
            mentionIds: frame.mentions,
            replyToId: frame.reply_to,
            attachmentIds: frame.attachments,
          },
          // The message is its own aggregate (new: expected sequence 0) and its decider treats
          // a resend as done, so a resend lands once without the ledger's two round trips (and
          // without the ledger, no fingerprint is needed).
          { ...meta(conn, commandId), retryable: false },
        );
        return ack(conn, frame.ref, { id: messageId, seq: result.seq });
      }
      case 'edit': {
        const on = { channelId: frame.channel, messageId: frame.id };
        const result = await writer.edit(
          { ...on, by: userId, content: frame.content, mentionIds: frame.mentions ?? [] },
          meta(conn),
        );
        return ack(conn, frame.ref, { id: frame.id, seq: result.seq });
      }
      case 'delete': {
        const on = { channelId: frame.channel, messageId: frame.id };
        const result = await writer.remove({ ...on, by: userId, canModerate: may('moderate') }, meta(conn));
        return ack(conn, frame.ref, { id: frame.id, seq: result.seq });
      }
      case 'react': {
        const on = { channelId: frame.channel, messageId: frame.id };
        const result = await writer.react(
          { ...on, by: userId, emoji: frame.emoji, on: frame.on ?? true },
          meta(conn),
        );
        return ack(conn, frame.ref, { id: frame.id, seq: result.seq });
      }
      case 'read':
        await writer.markRead({ channelId: frame.channel, userId, upToSeq: frame.seq }, meta(conn));
        return;
      case 'join':
        return gateway.join(conn, frame.channel, frame.after_seq);
      case 'leave':
        gateway.leave(conn, frame.channel);
        return;
      case 'typing': {
        if (!(await gateway.isMemberNow(userId, frame.channel))) throw chatErrors.notAMember();
        if (frame.typing) conn.typingIn.add(frame.channel);
        else conn.typingIn.delete(frame.channel);
        gateway.publishTyping(userId, frame.channel, frame.typing);
        return;
      }
      case 'ping':
        gateway.send(conn, PONG);
        return;
      default: {
        const unreachable: never = frame;
        return unreachable;
      }
    }
  }

  async function run(conn: Conn, frame: ClientFrame) {
    try {
      await dispatch(conn, frame);
    } catch (err) {
      const ref = 'ref' in frame ? frame.ref : undefined;
      if (err instanceof HearthError) {
        if (refused && (err.status === 403 || err.status === 429)) refused(refusalOf(conn, frame, err));
        gateway.send(conn, errorFrame(err.code, err.message, ref));
        return;
      }
      logger.error({ err, frame: frame.type }, 'socket frame failed');
      gateway.send(conn, errorFrame('internal', 'Something went wrong on our side.', ref));
    }
  }

  return {
    handle: (conn, raw) => {
      let parsed: Parsed;
      try {
        parsed = parseClientFrame(raw);
      } catch (err) {
        // Called from the socket's message event: a throw here would end the process.
        logger.error({ err }, 'socket frame could not be parsed');
        gateway.send(conn, errorFrame('internal', 'Something went wrong on our side.'));
        return;
      }
      if (!parsed.ok) {
        gateway.send(conn, parsed.error);
        return;
      }
      const frame = parsed.frame;
      // Counted from now until answered, waiting in its socket's queue included.
      inFlight++;
      const counted = () => run(conn, frame).finally(() => inFlight--);
      // Pings and typing are answered at once; everything else keeps the client's order.
      if (frame.type === 'ping' || frame.type === 'typing') {
        void counted();
        return;
      }
      const next = (queues.get(conn) ?? Promise.resolve()).then(counted);
      queues.set(conn, next);
    },
    inFlight: () => inFlight,
  };
}

/** A refused frame as the audit log records it: its type as the action, its channel as the target. */
function refusalOf(conn: Conn, frame: ClientFrame, err: HearthError): RefusedAttempt {
  return {
    kind: err.status === 403 ? RefusalKind.FORBIDDEN : RefusalKind.RATE_LIMITED,
    action: `socket ${frame.type}`,
    target: 'channel' in frame && typeof frame.channel === 'string' ? frame.channel : '',
    code: err.code,
    actorId: conn.claims.actorId,
    onBehalfOf: conn.claims.onBehalfOf || undefined,
    clientIp: conn.claims.clientIp ?? '',
    userAgent: conn.claims.userAgent ?? '',
  };
}
