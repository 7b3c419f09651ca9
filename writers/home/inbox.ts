// One member's notification centre: marking read (one, or everything up to now) and which
// kinds they want. Nothing here reads state: reading twice is harmless, and a settings change
// carries the whole new list.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type HomeEvent,
  HomeEventSchema,
  NotificationReadSchema,
  NotificationSettingsChangedSchema,
  NotificationsReadSchema,
} from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import { NOTIFICATION_KINDS } from '../../contracts/home.schema.ts';
import type { AggregateType } from '../log/append.ts';
import { homeErrors } from './errors.ts';
import type { HomeEventBody } from './state.ts';

export type InboxCommand =
  | { type: 'read_all'; memberId: string; now: Date }
  | { type: 'read_one'; memberId: string; notificationId: string }
  | { type: 'settings'; memberId: string; mutedKinds: string[] };

const KINDS: ReadonlySet<string> = new Set(NOTIFICATION_KINDS);

export function decideInbox(command: InboxCommand, _state: null): HomeEventBody[] {
  switch (command.type) {
    case 'read_all':
      return [
        {
          case: 'notificationsRead',
          value: create(NotificationsReadSchema, {
            memberId: command.memberId,
            readUpTo: timestampFromDate(command.now),
          }),
        },
      ];
    case 'read_one':
      return [
        {
          case: 'notificationRead',
          value: create(NotificationReadSchema, {
            memberId: command.memberId,
            notificationId: command.notificationId,
          }),
        },
      ];
    case 'settings': {
      for (const kind of command.mutedKinds)
        if (!KINDS.has(kind))
          throw homeErrors.invalidKind(`Not a kind of notification: ${kind}.`, { field: 'muted' });
      const mutedKinds = [...new Set(command.mutedKinds)].sort();
      return [
        {
          case: 'notificationSettingsChanged',
          value: create(NotificationSettingsChangedSchema, { memberId: command.memberId, mutedKinds }),
        },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const inboxAggregate: AggregateType<null, InboxCommand, HomeEvent> = {
  domain: 'home',
  envelope: HomeEventSchema,
  subject: (names, id) => names.home.inbox(id),
  decider: { initialState: null, evolve: (s) => s, decide: decideInbox },
  concurrency: 'none',
};
