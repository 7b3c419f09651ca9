// Reading the notification centre: every source's notifications together, for one member, as
// read or unread, without the kinds they muted. An audience's notification (someone joined, a
// chore waiting for whoever may approve it) is theirs if it happened since they joined.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import { HOME_NOTIFICATIONS } from './projection.ts';
import type { NotificationRow } from './tables.ts';

/**
 * Where notifications are kept: the read models with a `notifications` table (chat's here,
 * play's in home_feed), and the one whose `items` of kind 'joined' tell the family someone
 * joined (home_feed_identity). The edge names them, so this folder imports no other.
 */
export type Sources = { notifications: readonly string[]; joined: string };

/** The columns every source gives, in this order (a UNION ALL goes by position). */
const COLUMNS = sql`id, member_id, audience, except_id, kind, actor_id, subject_id, place, body, link, at,
  added_at, seq::float8 AS seq`;

type Where = (seq: RawBuilder<unknown>) => RawBuilder<unknown>;
const all: Where = () => sql`true`;

const notificationsOf = (source: string, where = all) =>
  sql`SELECT ${COLUMNS} FROM ${sql.table(`${source}.notifications`)} WHERE ${where(sql.ref('seq'))}`;

/** Someone joined, as a notification to everyone but them: the feed item's id is `identity:<seq>`. */
const joinedOf = (source: string, where = all) => {
  const seq = sql`split_part(j.id, ':', 2)::bigint`;
  return sql`SELECT j.id, NULL::text AS member_id, 'everyone'::text AS audience, j.actor_id AS except_id,
    j.kind, j.actor_id, j.subject_id, ''::text AS place, ''::text AS body, j.link, j.at, j.at AS added_at,
    ${seq}::float8 AS seq
    FROM ${sql.table(`${source}.items`)} j WHERE j.kind = 'joined' AND ${where(seq)}`;
};

const everySource = (sources: Sources) =>
  sql.join(
    [...sources.notifications.map((s) => notificationsOf(s)), joinedOf(sources.joined)],
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
  { sources, limit = 50 }: { sources: Sources; limit?: number },
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
      FROM (${everySource(sources)}) n
      WHERE (n.member_id = ${reader.memberId}
          OR (n.audience = ANY(${audiences}::text[]) AND n.at >= ${reader.since}))
        AND n.except_id IS DISTINCT FROM ${reader.memberId}
        AND NOT (n.kind = ANY(coalesce((SELECT muted FROM me), '{}'::text[]))))
    SELECT mine.*, coalesce(u.name, '') AS actor_name,
      (SELECT count(*) FROM mine WHERE NOT read) AS unread_total,
      (SELECT muted FROM me) AS muted
    FROM mine LEFT JOIN identity_users.users u ON u.id = mine.actor_id
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

/** A source's rows made by events in (after, upTo] of its stream. */
export type Span = { source: string; after: number; upTo: number };

/**
 * One page of a source's notifications for a live round: made by events in the span, past
 * `from` (the last row of the page before), that happened since `since`. Ordered by the
 * stream, so the next page starts where this one ended.
 */
export async function notificationsIn(
  db: Kysely<unknown>,
  sources: Sources,
  span: Span,
  { since, from, limit }: { since: Date; from?: { seq: number; id: string } | undefined; limit: number },
): Promise<(NotificationRow & { actor_name: string })[]> {
  const where: Where = (seq) =>
    sql`${seq} > ${span.after} AND ${seq} <= ${span.upTo} AND at >= ${since}
      AND ${from ? sql`(${seq}, id) > (${from.seq}, ${from.id})` : sql`true`}`;
  const rows =
    span.source === sources.joined ? joinedOf(span.source, where) : notificationsOf(span.source, where);
  const { rows: page } = await sql<NotificationRow & { actor_name: string }>`
    SELECT n.*, coalesce(u.name, '') AS actor_name FROM (${rows}) n
    LEFT JOIN identity_users.users u ON u.id = n.actor_id
    ORDER BY n.seq, n.id LIMIT ${limit}`.execute(db);
  return page;
}

/**
 * How far a member read, and which of `ids` they read one by one: for the notifications the
 * edge computes (levels and achievements are play's scores, not rows).
 */
export async function readState(
  db: Kysely<unknown>,
  memberId: string,
  ids: string[],
): Promise<{ readUpTo: Date | null; read: Set<string> }> {
  const inbox = sql.table(`${HOME_NOTIFICATIONS}.inbox`);
  const reads = sql.table(`${HOME_NOTIFICATIONS}.reads`);
  const upTo = await sql<{ read_up_to: Date | null }>`
    SELECT read_up_to FROM ${inbox} WHERE member_id = ${memberId}`.execute(db);
  const one =
    ids.length === 0
      ? { rows: [] }
      : await sql<{ notification_id: string }>`
          SELECT notification_id FROM ${reads} WHERE member_id = ${memberId}
          AND notification_id = ANY(${ids}::text[])`.execute(db);
  return {
    readUpTo: upTo.rows[0]?.read_up_to ?? null,
    read: new Set(one.rows.map((r) => r.notification_id)),
  };
}

/** Muted kinds, for deciding whether a live notification tells someone. */
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
