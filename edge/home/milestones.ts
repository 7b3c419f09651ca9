// Levels and achievements are play's scores, computed on read (projectors/play-scores), not
// events: so are the notifications and feed items that tell them. Each has a stable id, so
// marking it read holds, and a rule change that moves a level moves its notice with it.
import type { FeedItem, NotificationItem } from '../../contracts/home.api.ts';
import type { MemberScore } from '../../projectors/play-scores/types.ts';

type Milestone = {
  id: string;
  kind: 'level_up' | 'achievement';
  memberId: string;
  name: string;
  place: string;
  at: Date;
};

const SAFE = /^[A-Za-z0-9_-]{1,100}$/;

export function milestonesOf(m: MemberScore): Milestone[] {
  const out: Milestone[] = m.levelsReachedAt.map((at, i) => ({
    id: `level:${m.memberId}:${i + 2}`,
    kind: 'level_up',
    memberId: m.memberId,
    name: m.name,
    place: String(i + 2),
    at,
  }));
  for (const a of m.achievements)
    out.push({
      // An id the API can take back (mark read) when the rule's id allows it.
      id: `achievement:${m.memberId}:${SAFE.test(a.id) ? a.id : a.title.length}`,
      kind: 'achievement',
      memberId: m.memberId,
      name: m.name,
      place: a.title,
      at: a.earnedAt,
    });
  return out;
}

export const asNotification = (m: Milestone, read: boolean): NotificationItem => ({
  id: m.id,
  kind: m.kind,
  actor_id: m.memberId,
  actor_name: m.name,
  place: m.place,
  body: '',
  link: '/play',
  at: m.at.toISOString(),
  read,
});

export const asFeedItem = (m: Milestone): FeedItem => ({
  id: m.id,
  kind: m.kind,
  actor_id: m.memberId,
  actor_name: m.name,
  place: m.place,
  detail: '',
  ratings: [],
  thumbnails: [],
  link: '/play',
  at: m.at.toISOString(),
});
