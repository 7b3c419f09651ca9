// Decisions about a channel: who is in it and whether it still takes messages.
import { create } from '@bufbuild/protobuf';
import {
  ChannelArchivedSchema,
  ChannelCreatedSchema,
  type ChatEvent,
  ChatEventSchema,
  MemberJoinedSchema,
  MemberLeftSchema,
} from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { chatErrors } from './errors.ts';
import { type Channel, type ChatEventBody, evolveChannel, initialChannel } from './state.ts';

/** canModerate: the actor's role holds chat moderation (admins); the edge asks the permissions. */
export type ChannelCommand =
  | { type: 'create'; channelId: string; name: string; memberIds: string[]; by: string }
  | { type: 'openDm'; channelId: string; userIds: [string, string]; by: string }
  | { type: 'joinFamily'; channelId: string; userId: string }
  | { type: 'invite'; channelId: string; userId: string; by: string; canModerate: boolean }
  | { type: 'remove'; channelId: string; userId: string; by: string; canModerate: boolean }
  | { type: 'archive'; channelId: string; by: string; canModerate: boolean };

type Of<T extends ChannelCommand['type']> = Extract<ChannelCommand, { type: T }>;
type Existing = Exclude<Channel, { status: 'none' }>;

export function decideChannel(command: ChannelCommand, state: Channel): ChatEventBody[] {
  switch (command.type) {
    case 'create':
      return createGroup(command, state);
    case 'openDm':
      return openDm(command, state);
    case 'joinFamily':
      return joinFamily(command, state);
    case 'invite':
      return invite(command, existing(state));
    case 'remove':
      return remove(command, existing(state));
    case 'archive':
      return archive(command, existing(state));
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function existing(state: Channel): Existing {
  if (state.status === 'none') throw chatErrors.channelNotFound();
  return state;
}

const created = (channelId: string, name: string, kind: string, createdBy: string): ChatEventBody => ({
  case: 'channelCreated',
  value: create(ChannelCreatedSchema, { channelId, name, kind, createdBy }),
});
const joined = (channelId: string, userId: string, addedBy: string): ChatEventBody => ({
  case: 'memberJoined',
  value: create(MemberJoinedSchema, { channelId, userId, addedBy }),
});

function createGroup(command: Of<'create'>, state: Channel) {
  if (state.status !== 'none') throw chatErrors.channelExists();
  const name = command.name.trim();
  const length = [...name].length;
  if (length < 1 || length > 80) throw chatErrors.invalidName();
  const others = [...new Set(command.memberIds)].filter((id) => id !== command.by);
  return [
    created(command.channelId, name, 'group', command.by),
    joined(command.channelId, command.by, ''),
    ...others.map((id) => joined(command.channelId, id, command.by)),
  ];
}

function openDm(command: Of<'openDm'>, state: Channel) {
  const [a, b] = command.userIds;
  if (a === b) throw chatErrors.dmWithSelf();
  if (command.by !== a && command.by !== b) throw chatErrors.notAMember();
  // Opening an existing conversation again is how a client finds it.
  if (state.status !== 'none') return [];
  return [
    created(command.channelId, '', 'dm', command.by),
    joined(command.channelId, a, command.by === a ? '' : command.by),
    joined(command.channelId, b, command.by === b ? '' : command.by),
  ];
}

function joinFamily(command: Of<'joinFamily'>, state: Channel) {
  if (state.status === 'none') {
    return [
      created(command.channelId, 'Family', 'family', ''),
      joined(command.channelId, command.userId, ''),
    ];
  }
  if (state.members.includes(command.userId)) return [];
  return [joined(command.channelId, command.userId, '')];
}

function invite(command: Of<'invite'>, state: Existing) {
  if (state.kind !== 'group') throw chatErrors.membersFixed();
  if (state.status === 'archived') throw chatErrors.channelArchived();
  if (!command.canModerate && !state.members.includes(command.by)) throw chatErrors.notAMember();
  if (state.members.includes(command.userId)) return [];
  return [joined(state.id, command.userId, command.by)];
}

function remove(command: Of<'remove'>, state: Existing) {
  if (state.kind !== 'group') throw chatErrors.membersFixed();
  const leaving = command.by === command.userId;
  if (!leaving && !command.canModerate && command.by !== state.createdBy) throw chatErrors.notAllowed();
  if (!state.members.includes(command.userId)) return [];
  const value = create(MemberLeftSchema, {
    channelId: state.id,
    userId: command.userId,
    removedBy: command.by,
  });
  return [{ case: 'memberLeft', value } as const];
}

function archive(command: Of<'archive'>, state: Existing) {
  if (state.kind !== 'group') throw chatErrors.cannotArchive();
  if (!command.canModerate && command.by !== state.createdBy) throw chatErrors.notAllowed();
  if (state.status === 'archived') return [];
  const value = create(ChannelArchivedSchema, { channelId: state.id, archivedBy: command.by });
  return [{ case: 'channelArchived', value } as const];
}

export const channelAggregate: AggregateType<Channel, ChannelCommand, ChatEvent> = {
  domain: 'chat',
  envelope: ChatEventSchema,
  subject: (names, channelId) => names.chat.members(channelId),
  decider: { initialState: initialChannel, evolve: evolveChannel, decide: decideChannel },
  concurrency: 'optimistic',
  // Membership must outlive the log's retention: a family channel is older than 365 days.
  snapshot: true,
};
