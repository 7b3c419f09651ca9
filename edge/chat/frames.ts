// Frames on the socket. Server frames for log events are built (and serialised) once per
// event, whoever receives them; client frames are parsed and checked here, and a bad one is
// answered with an error frame while the connection stays open.
import { Ajv, type ValidateFunction } from 'ajv';
import type {
  AckFrame,
  ErrorFrame,
  EventFrame,
  JoinedFrame,
  PongFrame,
  PresenceFrame,
  RoleFrame,
  TypingFrame,
} from '../../contracts/chat.frames.ts';
import {
  CLIENT_FRAME_TYPES,
  type ClientFrame,
  type ClientFrameType,
  clientFrameSchemas,
} from '../../contracts/chat.schema.ts';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { StoredEvent } from '../../projectors/runtime/types.ts';
import { chatAttachment, storedAttachment } from '../../writers/chat/attachments.ts';
import { aboutChannel, type ChannelEventBody } from '../../writers/chat/state.ts';
import { describeError, unstorableField, unstorableMessage } from '../http/validate.ts';

/** A frame ready to send: serialised once, with the stream sequence it carries. */
export type Prepared = { channelId: string; seq: number; data: Buffer };

export function encodeFrame(frame: object): Buffer {
  return Buffer.from(JSON.stringify(frame));
}

/**
 * The frame a chat event becomes, or null when clients are not told about it: a channel's
 * creation, and a member's erasure (no channel's event: the read models blank their words).
 */
export function frameFor(e: StoredEvent<ChatEvent>): Prepared | null {
  if (!aboutChannel(e)) return null;
  const body = frameBody(e);
  return body && { channelId: e.event.value.channelId, seq: e.seq, data: encodeFrame(body) };
}

function frameBody(e: StoredEvent<ChatEvent> & { event: ChannelEventBody }): EventFrame | null {
  const { event, seq } = e;
  const timestamp = e.occurredAt.toISOString();
  switch (event.case) {
    case 'messagePosted': {
      const v = event.value;
      // The seed contract's fields first; Hearth's additions after (seed clients ignore them).
      return {
        type: 'message',
        id: v.messageId,
        sender: v.senderId,
        content: v.content,
        channel: v.channelId,
        timestamp,
        seq,
        reply_to: v.replyToId || null,
        mentions: v.mentionIds,
        attachments: v.attachments.map((a) => chatAttachment(storedAttachment(a))),
      };
    }
    case 'messageEdited': {
      const v = event.value;
      return {
        type: 'message_edited',
        id: v.messageId,
        channel: v.channelId,
        content: v.content,
        mentions: v.mentionIds,
        edited_by: v.editorId,
        timestamp,
        seq,
      };
    }
    case 'messageDeleted': {
      const v = event.value;
      return {
        type: 'message_deleted',
        id: v.messageId,
        channel: v.channelId,
        deleted_by: v.deletedBy,
        timestamp,
        seq,
      };
    }
    case 'reactionAdded':
    case 'reactionRemoved': {
      const v = event.value;
      const on = event.case === 'reactionAdded';
      return {
        type: 'reaction',
        id: v.messageId,
        channel: v.channelId,
        user_id: v.userId,
        emoji: v.emoji,
        on,
        seq,
      };
    }
    case 'channelRead': {
      const v = event.value;
      return { type: 'read', channel: v.channelId, user_id: v.userId, up_to_seq: Number(v.upToSeq), seq };
    }
    case 'memberJoined':
    case 'memberLeft': {
      const v = event.value;
      return {
        type: 'member',
        channel: v.channelId,
        user_id: v.userId,
        joined: event.case === 'memberJoined',
        seq,
      };
    }
    case 'channelArchived':
      return { type: 'channel_archived', channel: event.value.channelId, seq };
    case 'channelCreated':
      return null;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export const presenceFrame = (userId: string, online: boolean, channel: string) =>
  encodeFrame({ type: 'presence', user_id: userId, online, channel } satisfies PresenceFrame);

export const typingFrame = (userId: string, channel: string, typing: boolean) =>
  encodeFrame({ type: 'typing', user_id: userId, channel, typing } satisfies TypingFrame);

export const joinedFrame = (channel: string, seq: number) =>
  encodeFrame({ type: 'joined', channel, seq } satisfies JoinedFrame);

export const roleFrame = (role: string) => encodeFrame({ type: 'role', role } satisfies RoleFrame);

export const ackFrame = (ref: string, made: { id: string; seq: number }) =>
  encodeFrame({ type: 'ack', ref, ...made } satisfies AckFrame);

export const PONG = encodeFrame({ type: 'pong' } satisfies PongFrame);

export function errorFrame(code: string, message: string, ref?: string): Buffer {
  const frame: ErrorFrame = { type: 'error', code, message };
  if (ref !== undefined) frame.ref = ref;
  return encodeFrame(frame);
}

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
const validators = Object.fromEntries(
  CLIENT_FRAME_TYPES.map((t) => [t, ajv.compile(clientFrameSchemas[t])]),
) as Record<ClientFrameType, ValidateFunction>;

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; error: Buffer };

export function parseClientFrame(raw: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, error: errorFrame('invalid_frame', 'A frame is one JSON object.') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: errorFrame('invalid_frame', 'A frame is one JSON object.') };
  const { type, ref } = value as { type?: unknown; ref?: unknown };
  const echo = typeof ref === 'string' && ref.length <= 64 ? ref : undefined;
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type))
    return {
      ok: false,
      error: errorFrame('unknown_frame_type', `Unknown frame type ${shown(type)}.`, echo),
    };
  const validate = validators[type as ClientFrameType];
  if (!validate(value)) {
    const { message } = describeError(validate.errors?.[0]);
    return { ok: false, error: errorFrame('invalid_request', message, echo) };
  }
  const field = unstorableField(value);
  if (field !== undefined)
    return { ok: false, error: errorFrame('invalid_request', unstorableMessage(field), echo) };
  return { ok: true, frame: value as ClientFrame };
}

/** A client's value, shown briefly: never serialised whole, as it may be nested past the stack. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 38));
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'array' : 'object';
  return String(value).slice(0, 40);
}
