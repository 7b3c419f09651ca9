// The notification centre's own read model, from the HOME stream: what each member read,
// which kinds they muted, and the milestones (a level, an achievement) they were told of.
// The other sources (chat.ts, play.ts, identity.ts) are read models of their own streams.

import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Kysely } from 'kysely';
import type { HomeEvent } from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261206 from './migrations/20261206T2300_home_notifications.ts';
import { notify } from './notify.ts';
import type { InboxDB } from './tables.ts';

export const HOME_NOTIFICATIONS = 'home_notifications';

export const homeNotificationsProjection: Projection<InboxDB, HomeEvent> = {
  name: HOME_NOTIFICATIONS,
  domain: 'home',
  migrations: { '20261206T2300_home_notifications': m20261206 },
  apply: async (events, { db, rebuilding }) => {
    for (const e of events) await applyOne(db, e, rebuilding);
  },
};

async function applyOne(db: Kysely<InboxDB>, e: StoredEvent<HomeEvent>, rebuilding: boolean) {
  const { event } = e;
  switch (event.case) {
    case 'notificationsRead': {
      const v = event.value;
      const upTo = v.readUpTo ? timestampDate(v.readUpTo) : e.occurredAt;
      await db
        .insertInto('inbox')
        .values({ member_id: v.memberId, read_up_to: upTo, muted: [] })
        .onConflict((oc) =>
          oc.column('member_id').doUpdateSet((eb) => ({
            read_up_to: eb.fn('greatest', [eb.ref('inbox.read_up_to'), eb.ref('excluded.read_up_to')]),
          })),
        )
        .execute();
      return;
    }
    case 'notificationRead':
      await db
        .insertInto('reads')
        .values({ member_id: event.value.memberId, notification_id: event.value.notificationId })
        .onConflict((oc) => oc.columns(['member_id', 'notification_id']).doNothing())
        .execute();
      return;
    case 'notificationSettingsChanged': {
      const v = event.value;
      await db
        .insertInto('inbox')
        .values({ member_id: v.memberId, read_up_to: null, muted: v.mutedKinds })
        .onConflict((oc) => oc.column('member_id').doUpdateSet({ muted: v.mutedKinds }))
        .execute();
      return;
    }
    case 'levelReached': {
      const v = event.value;
      await notify(
        db,
        e,
        [
          {
            id: `home:${e.seq}`,
            kind: 'level_up',
            to: { member: v.memberId },
            actor: v.memberId,
            subject: `level-${v.level}`,
            place: String(v.level),
            link: '/play',
          },
        ],
        rebuilding,
      );
      return;
    }
    case 'achievementUnlocked': {
      const v = event.value;
      await notify(
        db,
        e,
        [
          {
            id: `home:${e.seq}`,
            kind: 'achievement',
            to: { member: v.memberId },
            actor: v.memberId,
            subject: v.achievementId,
            place: v.title,
            link: '/play',
          },
        ],
        rebuilding,
      );
      return;
    }
    default:
      return;
  }
}
