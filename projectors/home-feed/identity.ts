// Someone joined, from the IDENTITY stream.
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection } from '../runtime/types.ts';
import { tell } from './add.ts';
import * as m20261206 from './migrations/20261206T2311_home_feed_identity.ts';
import * as m20270401 from './migrations/20270401T1001_home_feed_identity_last_seq.ts';
import type { FeedDB } from './tables.ts';

export const HOME_FEED_IDENTITY = 'home_feed_identity';

export const homeFeedIdentity: Projection<FeedDB, IdentityEvent> = {
  name: HOME_FEED_IDENTITY,
  domain: 'identity',
  migrations: {
    '20261206T2311_home_feed_identity': m20261206,
    '20270401T1001_home_feed_identity_last_seq': m20270401,
  },
  lineage: { items: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) {
      if (e.event.case !== 'userRegistered') continue;
      const { userId, role } = e.event.value;
      await tell(db, e, {
        id: `identity:${e.seq}`,
        kind: 'joined',
        actor: userId,
        subject: userId,
        detail: role,
        link: '/home',
      });
    }
  },
};
