// The chat commands as the edge calls them (REST and WebSocket alike): load what the decision
// reads, then append through the appender (OCC and idempotency live there).
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import {
  type LookupFiles,
  noFiles,
  type StoredAttachment,
  snapshot,
  storedAttachment,
} from './attachments.ts';
import { type ChannelCommand, channelAggregate } from './channel.ts';
import { chatErrors } from './errors.ts';
import { checkedId, dmChannelId, FAMILY_CHANNEL_ID, messageKey, readerKey } from './ids.ts';
import type { ChatReader } from './load.ts';
import { type MessageCommand, mentionsIn, messageAggregate } from './message.ts';
import type { Channel } from './state.ts';
import { watermarkAggregate } from './watermark.ts';

export type PostInput = {
  channelId: string;
  messageId: string;
  senderId: string;
  content: string;
  mentionIds?: string[] | undefined;
  replyToId?: string | undefined;
  /** Ids of files the sender uploaded. */
  attachmentIds?: string[] | undefined;
};

type By = { by: string; canModerate: boolean };
type OnMessage = { channelId: string; messageId: string };

export type ChatWriter = ReturnType<typeof createChatWriter>;

export function createChatWriter({
  appender,
  reader,
  lookupFiles = noFiles,
}: {
  appender: Appender;
  reader: ChatReader;
  /** What media knows of the files a post attaches (edge/chat wires the media read model). */
  lookupFiles?: LookupFiles;
}) {
  const onChannel = async (command: ChannelCommand, meta: CommandMeta): Promise<AppendResult> => {
    const result = await appender.append({
      type: channelAggregate,
      id: checkedId(command.channelId, 'channel'),
      command,
      meta,
    });
    // Whoever acts on this answer (an invitee posting, say) must be decided on the new state.
    reader.changed(command.channelId);
    return result;
  };

  /** Also answers the mentions as the decider kept them (members only), and the attachments' snapshots. */
  async function post(
    input: PostInput,
    meta: CommandMeta,
  ): Promise<AppendResult & { mentionIds: string[]; attachments: StoredAttachment[] }> {
    const attachmentIds = input.attachmentIds ?? [];
    const [channel, replyTo, files] = await Promise.all([
      reader.channel(input.channelId),
      input.replyToId ? reader.message(input.channelId, input.replyToId) : undefined,
      attachmentIds.length > 0 ? lookupFiles(attachmentIds) : undefined,
    ]);
    const result = await appender.append({
      type: messageAggregate,
      id: messageKey(checkedId(input.channelId, 'channel'), checkedId(input.messageId, 'message')),
      command: {
        type: 'post',
        channelId: input.channelId,
        messageId: input.messageId,
        senderId: input.senderId,
        content: input.content,
        mentionIds: input.mentionIds ?? [],
        replyToId: input.replyToId,
        replyTo: replyTo?.state,
        attachmentIds,
        files,
        channel: channel.state,
      },
      meta,
    });
    const state = channel.state;
    return {
      ...result,
      mentionIds: state.status === 'none' ? [] : mentionsIn(state, input.mentionIds ?? []),
      // As the decider took them; a retry answers with what media still knows.
      attachments: attachmentIds.flatMap((id) => {
        const file = files?.get(id);
        return file ? [storedAttachment(snapshot(file))] : [];
      }),
    };
  }

  async function onMessage(
    input: OnMessage,
    command: (channel: Channel) => MessageCommand,
    meta: CommandMeta,
  ): Promise<AppendResult> {
    const key = messageKey(checkedId(input.channelId, 'channel'), checkedId(input.messageId, 'message'));
    const channel = await reader.channel(input.channelId);
    return appender.append({ type: messageAggregate, id: key, command: command(channel.state), meta });
  }

  return {
    post,
    edit: (input: OnMessage & { by: string; content: string; mentionIds?: string[] }, meta: CommandMeta) =>
      onMessage(
        input,
        (channel) => ({ type: 'edit', ...input, mentionIds: input.mentionIds ?? [], channel }),
        meta,
      ),
    remove: (input: OnMessage & By, meta: CommandMeta) =>
      onMessage(input, (channel) => ({ type: 'delete', ...input, channel }), meta),
    react: (input: OnMessage & { by: string; emoji: string; on: boolean }, meta: CommandMeta) =>
      onMessage(input, (channel) => ({ type: 'react', ...input, channel }), meta),
    markRead: async (
      input: { channelId: string; userId: string; upToSeq: number },
      meta: CommandMeta,
    ): Promise<AppendResult> => {
      const channel = await reader.channel(input.channelId);
      return appender.append({
        type: watermarkAggregate,
        id: readerKey(checkedId(input.channelId, 'channel'), input.userId),
        command: { type: 'markRead', ...input, channel: channel.state },
        meta,
      });
    },
    createChannel: (
      input: { channelId: string; name: string; memberIds: string[]; by: string },
      meta: CommandMeta,
    ) => onChannel({ type: 'create', ...input }, meta),
    openDm: async (input: { with: string; by: string }, meta: CommandMeta) => {
      if (input.with === input.by) throw chatErrors.dmWithSelf();
      const channelId = dmChannelId(input.by, input.with);
      const result = await onChannel(
        { type: 'openDm', channelId, userIds: [input.by, input.with], by: input.by },
        meta,
      );
      return { channelId, ...result };
    },
    /** A line from Hearth itself, such as who joined the family. */
    announce: async (
      input: { channelId: string; messageId: string; content: string; aboutId?: string },
      meta: CommandMeta,
    ) => {
      const channel = await reader.channel(input.channelId);
      return appender.append({
        type: messageAggregate,
        id: messageKey(checkedId(input.channelId, 'channel'), checkedId(input.messageId, 'message')),
        command: { type: 'announce', ...input, channel: channel.state },
        meta,
      });
    },
    joinFamily: (userId: string, meta: CommandMeta) =>
      onChannel({ type: 'joinFamily', channelId: FAMILY_CHANNEL_ID, userId }, meta),
    invite: (input: { channelId: string; userId: string } & By, meta: CommandMeta) =>
      onChannel({ type: 'invite', ...input }, meta),
    removeMember: (input: { channelId: string; userId: string } & By, meta: CommandMeta) =>
      onChannel({ type: 'remove', ...input }, meta),
    archive: (input: { channelId: string } & By, meta: CommandMeta) =>
      onChannel({ type: 'archive', ...input }, meta),
  };
}
