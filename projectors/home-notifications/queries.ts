// Reading the notification centre: every source's notifications together, for one member, as
// read or unread, without the kinds they muted. An audience's notification (someone joined, a
// chore waiting for whoever may approve it) is theirs if it happened since they joined.
import { type Kysely, sql } from 'kysely';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import { HOME_NOTIFICATIONS_CHAT } from './chat.ts';
import { HOME_NOTIFICATIONS_IDENTITY } from './identity.ts';
import { HOME_NOTIFICATIONS_PLAY } from './play.ts';
import { HOME_NOTIFICATIONS } from './projection.ts';
import type { NotificationRow } from './tables.ts';

/** Every read model that holds notifications (the live loop watches their positions). */
export const NOTIFICATION_SOURCES = [
  HOME_NOTIFICATIONS,
  HOME_NOTIFICATIONS_CHAT,
  HOME_NOTIFICATIONS_PLAY,
  HOME_NOTIFICATIONS_IDENTITY,
] as const;

const everySource = () =>
  sql.join(
    NOTIFICATION_SOURCES.map((s) => sql`SELECT * FROM ${sql.table(`${s}.notifications`)}`),
    sql` UNION ALL `,
  );

export type Reader = {
  memberId: string;
  /** The audiences they belong to besides 'everyone': the permissions they hold ('play.manage'). */
  audiences: string[];
  /** When they joined: an audience's older notifications are not theirs. */
  since: Date;
};

export type Listed = NotificationRow & { read: boolean; actor_name: string };

export async function notificationsFor(
  db: Kysely<unknown>,
  reader: Reader,
  { limit = 50, unreadOnly = false }: { limit?: number; unreadOnly?: boolean } = {},
): Promise<{ notifications: Listed[]; unread: number; muted: NotificationKind[] }> {
  const inbox = sql.table(`${HOME_NOTIFICATIONS}.inbox`);
  const reads = sql.table(`${HOME_NOTIFICATIONS}.reads`);
  const audiences = ['everyone', ...reader.audiences];
  const { rows } = await sql<Listed & { unread_total: string; muted: string[] | null }>`
    WITH me AS (SELECT read_up_to, muted FROM ${inbox} WHERE member_id = ${reader.memberId}),
    mine AS (
      SELECT n.*,
        (n.at <= coalesce((SELECT read_up_to FROM me), '-infinity'::timestamptz)
          OR EXISTS (SELECT 1 FROM ${reads} r WHERE r.member_id = ${reader.memberId} AND r.notification_id = n.id))
          AS read
      FROM (${everySource()}) n
      WHERE (n.member_id = ${reader.memberId}
          OR (n.audience = ANY(${audiences}::text[]) AND n.at >= ${reader.since}))
        AND n.except_id IS DISTINCT FROM ${reader.memberId}
        AND NOT (n.kind = ANY(coalesce((SELECT muted FROM me), '{}'::text[]))))
    SELECT mine.*, coalesce(u.name, '') AS actor_name,
      (SELECT count(*) FROM mine WHERE NOT read) AS unread_total,
      (SELECT muted FROM me) AS muted
    FROM mine LEFT JOIN identity_users.users u ON u.id = mine.actor_id
    WHERE ${unreadOnly ? sql`NOT mine.read` : sql`true`}
    ORDER BY mine.at DESC, mine.id DESC
    LIMIT ${limit}`.execute(db);
  let unread = Number(rows[0]?.unread_total ?? 0);
  let muted = (rows[0]?.muted ?? []) as NotificationKind[];
  if (rows.length === 0) {
    const me = await sql<{
      muted: string[];
    }>`SELECT muted FROM ${inbox} WHERE member_id = ${reader.memberId}`.execute(db);
    muted = (me.rows[0]?.muted ?? []) as NotificationKind[];
    unread = 0;
  }
  return { notifications: rows, unread, muted };
}

/** Notifications projected after `after` (live rounds), with whom they may tell. */
export async function addedSince(
  db: Kysely<unknown>,
  after: Date,
): Promise<(NotificationRow & { actor_name: string })[]> {
  const { rows } = await sql<NotificationRow & { actor_name: string }>`
    SELECT n.*, coalesce(u.name, '') AS actor_name FROM (${everySource()}) n
    LEFT JOIN identity_users.users u ON u.id = n.actor_id
    WHERE n.added_at > ${after} ORDER BY n.added_at, n.id LIMIT 500`.execute(db);
  return rows;
}

/** Muted kinds and what was read, for deciding whether a live notification tells someone. */
export async function mutedKinds(
  db: Kysely<unknown>,
  memberIds: string[],
): Promise<Map<string, Set<string>>> {
  if (memberIds.length === 0) return new Map();
  const { rows } = await sql<{ member_id: string; muted: string[] }>`
    SELECT member_id, muted FROM ${sql.table(`${HOME_NOTIFICATIONS}.inbox`)}
    WHERE member_id = ANY(${memberIds}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.member_id, new Set(r.muted)]));
}
