// The notification centre's own read model, from the HOME stream: what each member read and
// which kinds they muted. The notifications are read models of their own streams (chat.ts,
// and home_feed for play and identity).

import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Kysely } from 'kysely';
import type { HomeEvent } from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261206 from './migrations/20261206T2300_home_notifications.ts';
import * as m20270401 from './migrations/20270401T1000_last_seq.ts';
import type { InboxDB } from './tables.ts';

export const HOME_NOTIFICATIONS = 'home_notifications';

export const homeNotificationsProjection: Projection<InboxDB, HomeEvent> = {
  name: HOME_NOTIFICATIONS,
  domain: 'home',
  migrations: { '20261206T2300_home_notifications': m20261206, '20270401T1000_last_seq': m20270401 },
  lineage: {
    inbox: { key: ['member_id'], seq: 'last_seq' },
    reads: { key: ['member_id', 'notification_id'], seq: 'last_seq' },
  },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<InboxDB>, e: StoredEvent<HomeEvent>) {
  const { event } = e;
  switch (event.case) {
    case 'notificationsRead': {
      const v = event.value;
      const upTo = v.readUpTo ? timestampDate(v.readUpTo) : e.occurredAt;
      await db
        .insertInto('inbox')
        .values({ member_id: v.memberId, read_up_to: upTo, muted: [], last_seq: e.seq })
        .onConflict((oc) =>
          oc.column('member_id').doUpdateSet((eb) => ({
            read_up_to: eb.fn('greatest', [eb.ref('inbox.read_up_to'), eb.ref('excluded.read_up_to')]),
            last_seq: e.seq,
          })),
        )
        .execute();
      return;
    }
    case 'notificationRead':
      await db
        .insertInto('reads')
        .values({
          member_id: event.value.memberId,
          notification_id: event.value.notificationId,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.columns(['member_id', 'notification_id']).doNothing())
        .execute();
      return;
    case 'notificationSettingsChanged': {
      const v = event.value;
      await db
        .insertInto('inbox')
        .values({ member_id: v.memberId, read_up_to: null, muted: v.mutedKinds, last_seq: e.seq })
        .onConflict((oc) => oc.column('member_id').doUpdateSet({ muted: v.mutedKinds, last_seq: e.seq }))
        .execute();
      return;
    }
    default:
      return;
  }
}
