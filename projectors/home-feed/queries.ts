// Reading the feed: every source's items together, newest first, with the names the family
// knows now. (Levels and achievements are play's scores: the edge adds them.) Members hidden from play's boards still appear: the feed is the family's story.
import { type Kysely, sql } from 'kysely';
import { HOME_FEED_IDENTITY } from './identity.ts';
import { HOME_FEED_MEDIA } from './media.ts';
import { HOME_FEED } from './projection.ts';
import type { FeedRow } from './tables.ts';

export const FEED_SOURCES = [HOME_FEED, HOME_FEED_IDENTITY, HOME_FEED_MEDIA] as const;
/** The sources whose items carry thumbnails (photos shared); the others show none. */
const WITH_THUMBNAILS: ReadonlySet<string> = new Set([HOME_FEED_MEDIA]);
const COLUMNS = sql.raw('id, kind, actor_id, subject_id, place, detail, players, link, at');

export type FeedListed = Omit<FeedRow, 'players' | 'last_seq'> & {
  players: { user_id: string; place: number }[];
  /** Thumbnail URLs, for photos shared; [] for every other kind. */
  thumbnails: string[];
  actor_name: string;
};

export async function feedPage(
  db: Kysely<unknown>,
  { limit = 30, before }: { limit?: number; before?: Date | undefined } = {},
): Promise<FeedListed[]> {
  const every = sql.join(
    FEED_SOURCES.map(
      (s) =>
        sql`SELECT ${COLUMNS}, ${WITH_THUMBNAILS.has(s) ? sql.raw('thumbnails') : sql.raw(`'[]'::jsonb AS thumbnails`)}
          FROM ${sql.table(`${s}.items`)}`,
    ),
    sql` UNION ALL `,
  );
  const { rows } = await sql<FeedListed>`
    SELECT f.*, coalesce(u.name, '') AS actor_name FROM (${every}) f
    LEFT JOIN identity_users.users u ON u.id = f.actor_id
    WHERE ${before ? sql`f.at < ${before}` : sql`true`}
    ORDER BY f.at DESC, f.id DESC LIMIT ${limit}`.execute(db);
  return rows;
}
