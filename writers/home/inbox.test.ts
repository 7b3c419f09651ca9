import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, it } from 'vitest';
import {
  NotificationReadSchema,
  NotificationSettingsChangedSchema,
  NotificationsReadSchema,
} from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { inboxAggregate } from './inbox.ts';

const spec = deciderSpec(inboxAggregate.decider);
const now = new Date('2026-12-06T20:00:00Z');

describe('a member marking notifications read', () => {
  it('reads everything up to now', () =>
    spec
      .given([])
      .when({ type: 'read_all', memberId: 'ann', now })
      .thenEmits([
        {
          case: 'notificationsRead',
          value: create(NotificationsReadSchema, { memberId: 'ann', readUpTo: timestampFromDate(now) }),
        },
      ]));

  it('reads one', () =>
    spec
      .given([])
      .when({ type: 'read_one', memberId: 'ann', notificationId: 'chat:3:ann' })
      .thenEmits([
        {
          case: 'notificationRead',
          value: create(NotificationReadSchema, { memberId: 'ann', notificationId: 'chat:3:ann' }),
        },
      ]));
});

describe('a member choosing which kinds they want', () => {
  it('keeps the muted kinds once each, sorted', () =>
    spec
      .given([])
      .when({ type: 'settings', memberId: 'ann', mutedKinds: ['joined', 'dm', 'joined'] })
      .thenEmits([
        {
          case: 'notificationSettingsChanged',
          value: create(NotificationSettingsChangedSchema, { memberId: 'ann', mutedKinds: ['dm', 'joined'] }),
        },
      ]));

  it('refuses a kind that does not exist', () =>
    spec
      .given([])
      .when({ type: 'settings', memberId: 'ann', mutedKinds: ['gossip'] })
      .thenFails('home.invalid_kind'));
});
