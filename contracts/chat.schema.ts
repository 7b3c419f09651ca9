// Chat command bodies, queries and WebSocket frames, checked before anything is decided.
// The seed contract's names (channel, content, before, limit, …) are kept exactly; Hearth
// only adds optional fields. Frames accept fields they do not know, so newer clients work.
import type { JSONSchemaType } from 'ajv';

const ID = '^[A-Za-z0-9_-]{1,128}$';
const id = { type: 'string', pattern: ID } as const;
const optionalId = { type: 'string', pattern: ID, nullable: true } as const;
const SEQ = '^[0-9]{1,15}$';
/** Characters, as ajv counts them (code points); the decider counts the same way. */
const content = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const mentions = { type: 'array', items: id, maxItems: 50, nullable: true } as const;
/** A post's text may be empty when it attaches files; the decider refuses one with neither. */
const postContent = { type: 'string', maxLength: 4000 } as const;
/** Media file ids (POST /upload's id), each once, at most 10. */
const attachments = { type: 'array', items: id, maxItems: 10, uniqueItems: true, nullable: true } as const;
const ref = { type: 'string', maxLength: 64, nullable: true } as const;

export type HistoryQuery = {
  channel: string;
  before?: string;
  limit?: string;
  before_seq?: string;
  after?: string;
};
export const historyQuery: JSONSchemaType<HistoryQuery> = {
  type: 'object',
  properties: {
    channel: id,
    // ISO 8601 (the seed contract) or Unix milliseconds; parsed by the route.
    before: { type: 'string', nullable: true, maxLength: 40 },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,4}$' },
    before_seq: { type: 'string', nullable: true, pattern: SEQ },
    after: { type: 'string', nullable: true, pattern: SEQ },
  },
  required: ['channel'],
  additionalProperties: false,
};

export type ChannelQuery = { channel: string };
export const channelQuery: JSONSchemaType<ChannelQuery> = {
  type: 'object',
  properties: { channel: id },
  required: ['channel'],
  additionalProperties: false,
};

export type AfterQuery = { after?: string };
export const afterQuery: JSONSchemaType<AfterQuery> = {
  type: 'object',
  properties: { after: { type: 'string', nullable: true, pattern: SEQ } },
  additionalProperties: false,
};

export type PostMessageBody = {
  channel: string;
  content: string;
  /** Client-chosen message id: a retried post with the same id lands once. */
  id?: string;
  reply_to?: string;
  mentions?: string[];
  attachments?: string[];
};
export const postMessageBody: JSONSchemaType<PostMessageBody> = {
  type: 'object',
  properties: {
    channel: id,
    content: postContent,
    id: optionalId,
    reply_to: optionalId,
    mentions,
    attachments,
  },
  required: ['channel', 'content'],
  additionalProperties: false,
};

export type EditMessageBody = { content: string; mentions?: string[] };
export const editMessageBody: JSONSchemaType<EditMessageBody> = {
  type: 'object',
  properties: { content, mentions },
  required: ['content'],
  additionalProperties: false,
};

export type CreateChannelBody = { name: string; members?: string[] };
export const createChannelBody: JSONSchemaType<CreateChannelBody> = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80 },
    members: { type: 'array', items: id, maxItems: 100, nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

export type UserBody = { user_id: string };
export const userBody: JSONSchemaType<UserBody> = {
  type: 'object',
  properties: { user_id: id },
  required: ['user_id'],
  additionalProperties: false,
};

export type MarkReadBody = { seq: number };
export const markReadBody: JSONSchemaType<MarkReadBody> = {
  type: 'object',
  properties: { seq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
  required: ['seq'],
  additionalProperties: false,
};

// ---- WebSocket frames, client → server ----

export type ClientFrame =
  | {
      type: 'message';
      channel: string;
      content: string;
      id?: string;
      reply_to?: string;
      mentions?: string[];
      attachments?: string[];
      ref?: string;
    }
  | { type: 'typing'; channel: string; typing: boolean }
  | { type: 'join'; channel: string; after_seq?: number }
  | { type: 'leave'; channel: string }
  | { type: 'ping' }
  | { type: 'read'; channel: string; seq: number }
  | { type: 'edit'; channel: string; id: string; content: string; mentions?: string[]; ref?: string }
  | { type: 'delete'; channel: string; id: string; ref?: string }
  | { type: 'react'; channel: string; id: string; emoji: string; on?: boolean; ref?: string };

export type ClientFrameType = ClientFrame['type'];
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = [
  'message',
  'typing',
  'join',
  'leave',
  'ping',
  'read',
  'edit',
  'delete',
  'react',
];

type FrameSchema = { type: 'object'; properties: Record<string, unknown>; required: string[] };
const frame = (properties: Record<string, unknown>, required: string[]): FrameSchema => ({
  type: 'object',
  properties: { type: { type: 'string' }, ...properties },
  required: ['type', ...required],
});
const seqNumber = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** One schema per frame type; the type field picks which. */
export const clientFrameSchemas: Record<ClientFrameType, FrameSchema> = {
  message: frame({ channel: id, content: postContent, id, reply_to: id, mentions, attachments, ref }, [
    'channel',
    'content',
  ]),
  typing: frame({ channel: id, typing: { type: 'boolean' } }, ['channel', 'typing']),
  join: frame({ channel: id, after_seq: seqNumber }, ['channel']),
  leave: frame({ channel: id }, ['channel']),
  ping: frame({}, []),
  read: frame({ channel: id, seq: { ...seqNumber, minimum: 1 } }, ['channel', 'seq']),
  edit: frame({ channel: id, id, content, mentions, ref }, ['channel', 'id', 'content']),
  delete: frame({ channel: id, id, ref }, ['channel', 'id']),
  react: frame(
    { channel: id, id, emoji: { type: 'string', minLength: 1, maxLength: 64 }, on: { type: 'boolean' }, ref },
    ['channel', 'id', 'emoji'],
  ),
};
