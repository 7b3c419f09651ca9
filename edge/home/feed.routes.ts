// The family feed: what happened, newest first, for everyone in the family (children too).
// A settled match shows each player's rating change, which play-scores computes.
import type { Hono } from 'hono';
import { FEED_KINDS, type FeedKind, type HomeFeed } from '../../contracts/home.api.ts';
import { feedPage } from '../../projectors/home-feed/queries.ts';
import type { ScoresQuery } from '../../projectors/play-scores/query.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PLAY_PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';

const KINDS: ReadonlySet<string> = new Set(FEED_KINDS);

export function feedRoutes({ deps, scores }: { deps: HubDeps; scores: Pick<ScoresQuery, 'current'> }) {
  const { auth, db } = deps;
  const read = requirePermission(auth, PLAY_PERMISSIONS.read);
  return (app: Hono<HubEnv>) => {
    app.get('/feed', read, async (c) => {
      const rows = (await feedPage(db)).filter((r) => KINDS.has(r.kind));
      // Rating changes are play-scores' (computed, not stored): asked only when a match shows.
      const scored = rows.some((r) => r.kind === 'match_settled')
        ? (await scores.current()).scores
        : undefined;
      const deltas = scored?.matchDeltas ?? new Map<string, Map<string, number>>();
      const names = new Map<string, string>();
      for (const [id, m] of scored?.members ?? []) names.set(id, m.name);
      return c.json({
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind as FeedKind,
          actor_id: r.actor_id,
          actor_name: r.actor_name,
          place: r.place,
          detail: r.detail,
          ratings: r.players.map((p) => {
            const delta = deltas.get(r.subject_id)?.get(p.user_id);
            return {
              user_id: p.user_id,
              name: names.get(p.user_id) ?? '',
              place: p.place,
              delta: delta === undefined ? null : Math.round(delta / 10) / 10,
            };
          }),
          link: r.link,
          at: r.at.toISOString(),
        })),
      } satisfies HomeFeed);
    });
  };
}
