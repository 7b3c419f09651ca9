// Decisions about one message. Each message is its own small aggregate, so posting never
// waits on other senders, while edits, deletions and reactions still check author and state.
// The channel's state arrives with the command: the caller loads it, the decider reads it.
import { create } from '@bufbuild/protobuf';
import {
  type ChatEvent,
  ChatEventSchema,
  MessageDeletedSchema,
  MessageEditedSchema,
  MessagePostedSchema,
  ReactionAddedSchema,
  ReactionRemovedSchema,
} from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { own } from '../../contracts/records.ts';
import type { AggregateType } from '../log/append.ts';
import { type AttachedFile, attachmentsFor } from './attachments.ts';
import { chatErrors } from './errors.ts';
import { splitKey } from './ids.ts';
import { type Channel, type ChatEventBody, evolveMessage, initialMessage, type Message } from './state.ts';

export const MAX_MESSAGE_CHARS = 4000;
/** The sender of a line Hearth itself posts (someone joined the family). */
export const SYSTEM_SENDER = '';
export const MAX_MENTIONS = 50;
const MAX_EMOJI_CHARS = 16;
const MAX_DISTINCT_REACTIONS = 50;

type On = { channelId: string; messageId: string; channel: Channel };

export type MessageCommand =
  | (On & {
      type: 'post';
      senderId: string;
      content: string;
      mentionIds: string[];
      replyToId?: string | undefined;
      /** The state of the message replied to, when there is one. */
      replyTo?: Message | undefined;
      /** File ids, in the sender's order; `files` holds what media knows of them. */
      attachmentIds?: readonly string[] | undefined;
      files?: ReadonlyMap<string, AttachedFile> | undefined;
    })
  | (On & { type: 'announce'; content: string; aboutId?: string | undefined })
  | (On & { type: 'edit'; by: string; content: string; mentionIds: string[] })
  | (On & { type: 'delete'; by: string; canModerate: boolean })
  | (On & { type: 'react'; by: string; emoji: string; on: boolean });

type Of<T extends MessageCommand['type']> = Extract<MessageCommand, { type: T }>;
type Existing = Exclude<Message, { status: 'none' }>;

export function decideMessage(command: MessageCommand, state: Message): ChatEventBody[] {
  switch (command.type) {
    case 'post':
      return post(command, state);
    case 'announce':
      return announce(command, state);
    case 'edit':
      return edit(command, found(state, command));
    case 'delete':
      return remove(command, found(state, command, command.canModerate));
    case 'react':
      return react(command, found(state, command));
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/**
 * The message, for someone who may act on it. Outside the channel (moderators deleting aside)
 * the answer is the same whether the id exists or not, so no one probes ids from outside; an
 * author who has left may still delete their own message.
 */
function found(state: Message, command: On & { by: string }, moderates = false): Existing {
  const { channel } = command;
  if (channel.status === 'none' || state.status === 'none') {
    if (channel.status !== 'none' && !moderates && !channel.members.includes(command.by))
      throw chatErrors.notAMember();
    throw chatErrors.messageNotFound();
  }
  if (!moderates && state.senderId !== command.by && !channel.members.includes(command.by))
    throw chatErrors.notAMember();
  return state;
}

/** Writing into a channel needs it to exist, be open, and count the writer in. */
export function requireOpenMember(channel: Channel, userId: string): Exclude<Channel, { status: 'none' }> {
  if (channel.status === 'none') throw chatErrors.channelNotFound();
  if (!channel.members.includes(userId)) throw chatErrors.notAMember();
  if (channel.status === 'archived') throw chatErrors.channelArchived();
  return channel;
}

function checkContent(content: string): string {
  if (content.trim().length === 0) throw chatErrors.emptyMessage();
  if ([...content].length > MAX_MESSAGE_CHARS) throw chatErrors.messageTooLong();
  return content;
}

/** Only members can be mentioned; anyone else is dropped rather than failing the message. */
export function mentionsIn(channel: Exclude<Channel, { status: 'none' }>, ids: string[]): string[] {
  return [...new Set(ids)].filter((id) => channel.members.includes(id)).slice(0, MAX_MENTIONS);
}

function post(command: Of<'post'>, state: Message) {
  const attachmentIds = command.attachmentIds ?? [];
  // Attachments alone make a message: its text may then be empty.
  const content =
    attachmentIds.length > 0 && command.content.trim().length === 0
      ? command.content
      : checkContent(command.content);
  if (state.status !== 'none') {
    // A retried post (same id, same sender, same text) has already happened.
    if (state.senderId === command.senderId && (state.content === content || state.status === 'deleted'))
      return [];
    throw chatErrors.messageIdTaken();
  }
  const channel = requireOpenMember(command.channel, command.senderId);
  if (command.replyToId) {
    const target = command.replyTo;
    if (target?.status !== 'posted' || target.channelId !== command.channelId)
      throw chatErrors.replyTargetNotFound();
  }
  const attachments = attachmentsFor(attachmentIds, command.files ?? new Map(), command.senderId);
  const value = create(MessagePostedSchema, {
    channelId: command.channelId,
    messageId: command.messageId,
    senderId: command.senderId,
    content,
    replyToId: command.replyToId ?? '',
    mentionIds: mentionsIn(channel, command.mentionIds),
    attachments,
  });
  return [{ case: 'messagePosted', value } as const];
}

/** A system line: no member sends it, so only the channel's being open is checked. */
function announce(command: Of<'announce'>, state: Message) {
  const content = checkContent(command.content);
  if (state.status !== 'none') {
    if (state.senderId === SYSTEM_SENDER) return [];
    throw chatErrors.messageIdTaken();
  }
  if (command.channel.status === 'none') throw chatErrors.channelNotFound();
  if (command.channel.status === 'archived') throw chatErrors.channelArchived();
  const value = create(MessagePostedSchema, {
    channelId: command.channelId,
    messageId: command.messageId,
    senderId: SYSTEM_SENDER,
    content,
    // The member the line is about, named by id: readers show their name as it is now (and
    // nothing once they are erased), so the line in the log holds no one's name.
    mentionIds: command.aboutId ? [command.aboutId] : [],
  });
  return [{ case: 'messagePosted', value } as const];
}

function edit(command: Of<'edit'>, state: Existing) {
  if (state.status === 'deleted') throw chatErrors.messageDeleted();
  if (state.senderId !== command.by) throw chatErrors.notAuthor();
  const channel = requireOpenMember(command.channel, command.by);
  const content = checkContent(command.content);
  if (content === state.content) return [];
  const value = create(MessageEditedSchema, {
    channelId: state.channelId,
    messageId: state.id,
    editorId: command.by,
    content,
    mentionIds: mentionsIn(channel, command.mentionIds),
  });
  return [{ case: 'messageEdited', value } as const];
}

function remove(command: Of<'delete'>, state: Existing) {
  if (state.senderId !== command.by && !command.canModerate) throw chatErrors.notAuthor();
  if (state.status === 'deleted') return [];
  const value = create(MessageDeletedSchema, {
    channelId: state.channelId,
    messageId: state.id,
    deletedBy: command.by,
  });
  return [{ case: 'messageDeleted', value } as const];
}

function react(command: Of<'react'>, state: Existing) {
  const emoji = command.emoji;
  if (emoji.length === 0 || [...emoji].length > MAX_EMOJI_CHARS || /\s/.test(emoji))
    throw chatErrors.invalidEmoji();
  if (state.status === 'deleted') throw chatErrors.messageDeleted();
  requireOpenMember(command.channel, command.by);
  const who = own(state.reactions, emoji) ?? [];
  const ids = { channelId: state.channelId, messageId: state.id, userId: command.by, emoji };
  if (command.on) {
    if (who.includes(command.by)) return [];
    if (!who.length && Object.keys(state.reactions).length >= MAX_DISTINCT_REACTIONS)
      throw chatErrors.tooManyReactions();
    return [{ case: 'reactionAdded', value: create(ReactionAddedSchema, ids) } as const];
  }
  if (!who.includes(command.by)) return [];
  return [{ case: 'reactionRemoved', value: create(ReactionRemovedSchema, ids) } as const];
}

export const messageAggregate: AggregateType<Message, MessageCommand, ChatEvent> = {
  domain: 'chat',
  envelope: ChatEventSchema,
  subject: (names, key) => names.chat.message(...splitKey(key)),
  decider: { initialState: initialMessage, evolve: evolveMessage, decide: decideMessage },
  // A new message expects sequence 0 on its own subject: two posts with one id cannot both land.
  concurrency: 'optimistic',
  // A post names a fresh id, so its subject is not read first: the expected sequence 0 is the check.
  expectsNew: (command) => command.type === 'post' || command.type === 'announce',
  // Deciding about a message kept past its events needs its sender and state, not its words,
  // which are the sender's (personal.proto) and must go when they are erased.
  keep: keepMessage,
};

/** A message as its snapshot keeps it: without its text. */
export function keepMessage(state: Message): Message {
  return state.status === 'none' ? state : { ...state, content: '' };
}
