// Event builders for the chat decider and projection specs.
import { create } from '@bufbuild/protobuf';
import {
  AttachmentSchema,
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
import type { AttachedFile } from './attachments.ts';
import type { ChatEventBody } from './state.ts';

/** A file as media describes it: `ann`'s photo unless told otherwise. */
export const file = (id: string, extra: Partial<AttachedFile> = {}): AttachedFile => ({
  id,
  ownerId: 'ann',
  deleted: false,
  contentType: 'image/jpeg',
  fileName: `${id}.jpg`,
  sizeBytes: 123_456,
  width: 640,
  height: 480,
  hasThumbnail: true,
  ...extra,
});

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
    extra: { replyToId?: string; mentionIds?: string[]; attachments?: AttachedFile[] } = {},
  ): ChatEventBody => ({
    case: 'messagePosted',
    value: create(MessagePostedSchema, {
      channelId,
      messageId,
      senderId,
      content,
      ...extra,
      attachments: (extra.attachments ?? []).map((f) =>
        create(AttachmentSchema, {
          fileId: f.id,
          contentType: f.contentType,
          fileName: f.fileName,
          sizeBytes: BigInt(f.sizeBytes),
          width: f.width ?? 0,
          height: f.height ?? 0,
          hasThumbnail: f.hasThumbnail,
        }),
      ),
    }),
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
