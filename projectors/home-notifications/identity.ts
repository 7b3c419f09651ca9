// Someone joined, from the IDENTITY stream: told to everyone else in the family.
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection } from '../runtime/types.ts';
import * as m20261206 from './migrations/20261206T2303_home_notifications_identity.ts';
import { notify } from './notify.ts';
import type { NotificationsDB } from './tables.ts';

export const HOME_NOTIFICATIONS_IDENTITY = 'home_notifications_identity';

export const homeNotificationsIdentity: Projection<NotificationsDB, IdentityEvent> = {
  name: HOME_NOTIFICATIONS_IDENTITY,
  domain: 'identity',
  migrations: { '20261206T2303_home_notifications_identity': m20261206 },
  apply: async (events, { db, rebuilding }) => {
    for (const e of events) {
      if (e.event.case !== 'userRegistered') continue;
      const { userId } = e.event.value;
      await notify(
        db,
        e,
        [
          {
            id: `identity:${e.seq}`,
            kind: 'joined',
            to: { audience: 'everyone', except: userId },
            actor: userId,
            subject: userId,
            link: '/home',
          },
        ],
        rebuilding,
      );
    }
  },
};
