// What every notification source writes: one row per notification, and removals when what
// it asked for is done (a chore approved, a match confirmed, a message deleted).
import type { Kysely } from 'kysely';
import type { NotificationKind } from '../../contracts/home.schema.ts';
import type { StoredEvent } from '../runtime/types.ts';
import type { NotificationsDB } from './tables.ts';

export type Notice = {
  id: string;
  kind: NotificationKind;
  to: { member: string } | { audience: 'everyone' | 'play.manage'; except?: string };
  actor?: string;
  subject: string;
  place?: string;
  body?: string;
  link: string;
};

/** A line of a message is enough to tell what it is about; the rest stays in the channel. */
export const BODY_MAX = 140;
export const snippet = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > BODY_MAX ? `${line.slice(0, BODY_MAX - 1)}…` : line;
};

/**
 * Idempotent: a redelivered event makes the same id. Each row keeps its event's seq, which
 * the live loop follows; what it tells is only what happened lately (edge/home/live.ts), so
 * a new read model catching up on the stream tells no one of old mentions.
 */
export async function notify<DB extends NotificationsDB>(
  source: Kysely<DB>,
  e: StoredEvent,
  notices: Notice[],
  rebuilding: boolean,
): Promise<void> {
  if (notices.length === 0) return;
  const db = own(source);
  const rows: NotificationsDB['notifications'][] = notices.map((n) => ({
    id: n.id,
    member_id: 'member' in n.to ? n.to.member : null,
    audience: 'audience' in n.to ? n.to.audience : null,
    except_id: 'audience' in n.to ? (n.to.except ?? null) : null,
    kind: n.kind,
    actor_id: n.actor ?? e.actorId,
    subject_id: n.subject,
    place: n.place ?? '',
    body: n.body ?? '',
    link: n.link,
    at: e.occurredAt,
    added_at: rebuilding ? e.occurredAt : new Date(),
    seq: e.seq,
    last_seq: e.seq,
  }));
  await db
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Done with: what the notification asked for happened, or what it showed is gone. */
export async function withdraw<DB extends NotificationsDB>(
  source: Kysely<DB>,
  where: { kind: NotificationKind; subject: string; member?: string },
): Promise<void> {
  let q = own(source)
    .deleteFrom('notifications')
    .where('kind', '=', where.kind)
    .where('subject_id', '=', where.subject);
  if (where.member !== undefined) q = q.where('member_id', '=', where.member);
  await q.execute();
}

/** Every source's schema has the notifications table; the rest of its tables are its own. */
const own = <DB extends NotificationsDB>(db: Kysely<DB>) => db as unknown as Kysely<NotificationsDB>;
