// Levels and achievements, from the HOME stream's milestones (projectors/home-notifications/
// milestones.ts appends them as play's scores reach them).
import type { HomeEvent } from '../../contracts/gen/hearth/home/v1/events_pb.ts';
import type { Projection } from '../runtime/types.ts';
import { tell } from './add.ts';
import * as m20261206 from './migrations/20261206T2312_home_feed_milestones.ts';
import type { FeedDB } from './tables.ts';

export const HOME_FEED_MILESTONES = 'home_feed_milestones';

export const homeFeedMilestones: Projection<FeedDB, HomeEvent> = {
  name: HOME_FEED_MILESTONES,
  domain: 'home',
  migrations: { '20261206T2312_home_feed_milestones': m20261206 },
  apply: async (events, { db }) => {
    for (const e of events) {
      const { event } = e;
      if (event.case === 'levelReached')
        await tell(db, e, {
          id: `home:${e.seq}`,
          kind: 'level_up',
          actor: event.value.memberId,
          subject: `level-${event.value.level}`,
          place: String(event.value.level),
          link: '/play',
        });
      else if (event.case === 'achievementUnlocked')
        await tell(db, e, {
          id: `home:${e.seq}`,
          kind: 'achievement',
          actor: event.value.memberId,
          subject: event.value.achievementId,
          place: event.value.title,
          link: '/play',
        });
    }
  },
};
