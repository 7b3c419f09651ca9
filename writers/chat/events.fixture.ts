// Event builders for the chat decider and projection specs.
import { create } from '@bufbuild/protobuf';
import {
  ChannelArchivedSchema,
  ChannelCreatedSchema,
  ChannelReadSchema,
  MemberJoinedSchema,
  MemberLeftSchema,
  MessageDeletedSchema,
  MessageEditedSchema,
  MessagePostedSchema,
  ReactionAddedSchema,
  ReactionRemovedSchema,
} from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { ChatEventBody } from './state.ts';

export const ev = {
  created: (channelId: string, kind = 'group', createdBy = 'ann', name = 'Trip'): ChatEventBody => ({
    case: 'channelCreated',
    value: create(ChannelCreatedSchema, { channelId, name, kind, createdBy }),
  }),
  joined: (channelId: string, userId: string, addedBy = ''): ChatEventBody => ({
    case: 'memberJoined',
    value: create(MemberJoinedSchema, { channelId, userId, addedBy }),
  }),
  left: (channelId: string, userId: string, removedBy = userId): ChatEventBody => ({
    case: 'memberLeft',
    value: create(MemberLeftSchema, { channelId, userId, removedBy }),
  }),
  archived: (channelId: string, archivedBy = 'ann'): ChatEventBody => ({
    case: 'channelArchived',
    value: create(ChannelArchivedSchema, { channelId, archivedBy }),
  }),
  posted: (
    channelId: string,
    messageId: string,
    senderId: string,
    content = 'hello',
    extra: { replyToId?: string; mentionIds?: string[] } = {},
  ): ChatEventBody => ({
    case: 'messagePosted',
    value: create(MessagePostedSchema, { channelId, messageId, senderId, content, ...extra }),
  }),
  edited: (channelId: string, messageId: string, editorId: string, content: string): ChatEventBody => ({
    case: 'messageEdited',
    value: create(MessageEditedSchema, { channelId, messageId, editorId, content }),
  }),
  deleted: (channelId: string, messageId: string, deletedBy: string): ChatEventBody => ({
    case: 'messageDeleted',
    value: create(MessageDeletedSchema, { channelId, messageId, deletedBy }),
  }),
  reacted: (channelId: string, messageId: string, userId: string, emoji: string): ChatEventBody => ({
    case: 'reactionAdded',
    value: create(ReactionAddedSchema, { channelId, messageId, userId, emoji }),
  }),
  unreacted: (channelId: string, messageId: string, userId: string, emoji: string): ChatEventBody => ({
    case: 'reactionRemoved',
    value: create(ReactionRemovedSchema, { channelId, messageId, userId, emoji }),
  }),
  read: (channelId: string, userId: string, upToSeq: number): ChatEventBody => ({
    case: 'channelRead',
    value: create(ChannelReadSchema, { channelId, userId, upToSeq: BigInt(upToSeq) }),
  }),
};
