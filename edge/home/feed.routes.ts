// The family feed: what happened, newest first, for everyone in the family (children too).
// Nothing in it comes from chat, so no DM or private channel can show. A settled match shows
// each player's rating change; levels and achievements are play's scores, computed on read.
import type { Hono } from 'hono';
import { FEED_KINDS, type FeedItem, type FeedKind, type HomeFeed } from '../../contracts/home.api.ts';
import { feedPage } from '../../projectors/home-feed/queries.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PLAY_PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { asFeedItem, milestonesOf } from './milestones.ts';

const KINDS: ReadonlySet<string> = new Set(FEED_KINDS);
const LIMIT = 40;

export function feedRoutes({ deps, scores }: { deps: HubDeps; scores: Pick<ScoresQuery, 'current'> }) {
  const { auth, db } = deps;
  const read = requirePermission(auth, PLAY_PERMISSIONS.read);
  return (app: Hono<HubEnv>) => {
    app.get('/feed', read, async (c) => {
      const rows = (await feedPage(db, { limit: LIMIT })).filter((r) => KINDS.has(r.kind));
      const scored = (await scores.current()).scores;
      const names = new Map<string, string>();
      for (const [id, m] of scored.members) names.set(id, m.name);
      const stored = rows.map(
        (r): FeedItem => ({
          id: r.id,
          kind: r.kind as FeedKind,
          actor_id: r.actor_id,
          actor_name: r.actor_name,
          place: r.place,
          detail: r.detail,
          ratings: r.players.map((p) => {
            // Hundredths of a rating point; shown to one decimal.
            const delta = scored.matchDeltas.get(r.subject_id)?.get(p.user_id);
            return {
              user_id: p.user_id,
              name: names.get(p.user_id) ?? '',
              place: p.place,
              delta: delta === undefined ? null : Math.round(delta / 10) / 10,
            };
          }),
          thumbnails: r.thumbnails,
          link: r.link,
          at: r.at.toISOString(),
        }),
      );
      const reached = [...scored.members.values()].flatMap(milestonesOf).map(asFeedItem);
      const items = [...stored, ...reached]
        .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
        .slice(0, LIMIT);
      return c.json({ items } satisfies HomeFeed);
    });
  };
}
