// Play's view of chat: who posted when, whether it repeated their previous message, and
// whether it was deleted since (a deleted message counts for nothing).
// No text is kept. A batch loads the senders' last fingerprints, walks the posts in log order
// and writes every row with one UNNEST.
// A post whose sender was erased has no words left to compare: it repeats nothing and nothing
// repeats it. Meeting the member's erasure, the live model makes their earlier posts so too
// (and counts them), which is what a rebuild from the shredded posts writes.
import { hash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { booleanArray, numberArray, textArray, timestampArray } from '../runtime/arrays.ts';
import { aroundErasures, blankMember, hasErasure, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1900_play_activity.ts';
import * as m20261206 from './migrations/20261206T2300_deleted_messages.ts';
import * as m20270401 from './migrations/20270401T1000_last_seq.ts';
import type { PlayActivityDB } from './tables.ts';

export const PLAY_ACTIVITY = 'play_activity';

/** Case, surrounding and repeated spaces do not make a message different. */
export function fingerprint(content: string): string {
  const normal = content.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  // The one-shot hash: a third of createHash's cost per message.
  return hash('sha256', normal, 'base64url').slice(0, 22);
}

export const playActivityProjection: Projection<PlayActivityDB, ChatEvent> = {
  name: PLAY_ACTIVITY,
  domain: 'chat',
  migrations: {
    '20261122T1900_play_activity': m20261122,
    '20261206T2300_deleted_messages': m20261206,
    '20270401T1000_last_seq': m20270401,
  },
  // An erasure uncounts repeats and forgets fingerprints without moving last_seq, as nowhere.
  lineage: {
    messages: { key: ['member_id', 'seq'], seq: 'last_seq' },
    buckets: { key: ['member_id', 'bucket'], seq: 'last_seq' },
    last_message: { key: ['member_id'], seq: 'last_seq' },
  },
  apply: (events, { db, schema }) =>
    aroundErasures(
      events,
      async (run) => {
        const statement = batchStatement(run, schema);
        if (statement) await statement.execute(db);
      },
      async (memberId) => {
        for (const statement of uncountRepeats(schema, memberId)) await statement.execute(db);
        await blankMember(db as Kysely<unknown>, { readModel: PLAY_ACTIVITY, schema }, memberId, PERSONAL);
      },
    ),
  // The live worker sends it with BEGIN and COMMIT without waiting in between; a batch with an
  // erasure goes through apply.
  batchStatement: (events, { db, schema }) =>
    hasErasure(events) ? undefined : (batchStatement(events, schema)?.compile(db) ?? null),
};

/** A fingerprint no other post has: for a post whose words were erased. */
const unmatched = (seq: number) => `erased:${seq}`;

/** The fingerprint of their last message: derived from their words, so it goes. */
const PERSONAL: PersonalCopy[] = [{ table: 'last_message', member: 'member_id', remove: true }];

/**
 * The member's posts as a rebuild writes them from the shredded events: none is a repeat, so
 * each one that was is counted into its quarter hour's unique messages.
 */
function uncountRepeats(schema: string, memberId: string) {
  const t = (name: string) => sql.table(`${schema}.${name}`);
  return [
    sql`
      UPDATE ${t('buckets')} k SET unique_messages = k.unique_messages + r.n
      FROM (
        SELECT date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, count(*)::int AS n
        FROM ${t('messages')} WHERE member_id = ${memberId} AND repeat AND NOT deleted GROUP BY 1
      ) r
      WHERE k.member_id = ${memberId} AND k.bucket = r.bucket`,
    sql`UPDATE ${t('messages')} SET repeat = false WHERE member_id = ${memberId} AND repeat`,
  ];
}

/**
 * The whole batch as one statement: whether a post repeats its sender's previous message is
 * decided in SQL (the previous post in the batch, else the stored last fingerprint), so no
 * read has to come back before the write goes out.
 *
 * A deleted message stops counting. A post deleted later in the same batch is stored deleted
 * and never counted; a deletion of an earlier post marks its row and takes it back out of its
 * quarter hour. Either way the counts come out the same, however the log is cut into batches.
 * A quarter hour's first_at stays the first post's time, deleted or not.
 */
function batchStatement(events: StoredEvent<ChatEvent>[], schema: string) {
  const posts: {
    e: StoredEvent<ChatEvent>;
    sender: string;
    fp: string;
    channel: string;
    message: string;
  }[] = [];
  const deletions = new Map<string, { channel: string; message: string; seq: number }>();
  for (const e of events) {
    if (e.event.case === 'messageDeleted') {
      const { channelId: channel, messageId: message } = e.event.value;
      deletions.set(`${channel}\u0000${message}`, { channel, message, seq: e.seq });
      continue;
    }
    // A line from Hearth itself (no sender: someone joined) is nobody's message.
    if (e.event.case !== 'messagePosted' || e.event.value.senderId === '') continue;
    const v = e.event.value;
    posts.push({
      e,
      sender: v.senderId,
      // Files make a post different: two photos in a row, each with no words, are two posts.
      fp: e.erased
        ? unmatched(e.seq)
        : fingerprint(
            v.attachments.length > 0
              ? `${v.content}\u0000${v.attachments.map((a) => a.fileId).join(',')}`
              : v.content,
          ),
      channel: v.channelId,
      message: v.messageId,
    });
  }
  if (posts.length === 0 && deletions.size === 0) return null;
  // A message is deleted after it was posted, so a post whose deletion is in this batch was
  // deleted by a later event of it.
  const deletedHere = (p: (typeof posts)[number]) => deletions.get(`${p.channel}\u0000${p.message}`);
  const gone = [...deletions.values()];
  const t = (name: string) => sql.table(`${schema}.${name}`);
  // Only rows that are new (or newly deleted) count into their quarter hour, so a redelivered
  // batch changes nothing.
  return sql`
    WITH b AS (
      SELECT * FROM unnest(${numberArray(posts, (p) => p.e.seq)}::bigint[], ${textArray(posts, (p) => p.sender)}::text[],
        ${timestampArray(posts, (p) => p.e.occurredAt)}::timestamptz[], ${textArray(posts, (p) => p.fp)}::text[],
        ${textArray(posts, (p) => p.channel)}::text[], ${textArray(posts, (p) => p.message)}::text[],
        ${booleanArray(posts, (p) => deletedHere(p) !== undefined)}::boolean[],
        ${numberArray(posts, (p) => deletedHere(p)?.seq ?? p.e.seq)}::bigint[])
        AS b(seq, member_id, at, fp, channel_id, message_id, deleted, last_seq)),
    p AS (
      SELECT b.*,
        coalesce(lag(b.fp) OVER (PARTITION BY b.member_id ORDER BY b.seq),
          (SELECT l.fingerprint FROM ${t('last_message')} l WHERE l.member_id = b.member_id)) AS prev
      FROM b),
    added AS (
      INSERT INTO ${t('messages')} (member_id, seq, at, repeat, channel_id, message_id, deleted, last_seq)
      SELECT member_id, seq, at, coalesce(fp = prev, false), channel_id, message_id, deleted, last_seq FROM p
      ON CONFLICT (member_id, seq) DO NOTHING
      RETURNING member_id, at, repeat, deleted, last_seq),
    removed AS (
      UPDATE ${t('messages')} m SET deleted = true, last_seq = d.seq
      FROM unnest(${textArray(gone, (d) => d.channel)}::text[], ${textArray(gone, (d) => d.message)}::text[],
        ${numberArray(gone, (d) => d.seq)}::bigint[])
        AS d(channel_id, message_id, seq)
      WHERE m.channel_id = d.channel_id AND m.message_id = d.message_id AND NOT m.deleted
      RETURNING m.member_id, m.at, m.repeat, d.seq AS last_seq),
    changes AS (
      SELECT member_id, at, CASE WHEN deleted THEN 0 ELSE 1 END AS n,
        CASE WHEN deleted OR repeat THEN 0 ELSE 1 END AS u, last_seq FROM added
      UNION ALL
      SELECT member_id, at, -1, CASE WHEN repeat THEN 0 ELSE -1 END, last_seq FROM removed),
    counted AS (
      INSERT INTO ${t('buckets')} AS k (member_id, bucket, messages, unique_messages, first_at, last_seq)
      SELECT member_id, date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(n)::int,
        sum(u)::int, min(at), max(last_seq)
      FROM changes GROUP BY 1, 2
      ON CONFLICT (member_id, bucket) DO UPDATE SET messages = k.messages + excluded.messages,
        unique_messages = k.unique_messages + excluded.unique_messages,
        first_at = least(k.first_at, excluded.first_at), last_seq = greatest(k.last_seq, excluded.last_seq))
    INSERT INTO ${t('last_message')} AS l (member_id, fingerprint, last_seq)
    SELECT DISTINCT ON (member_id) member_id, fp, seq FROM b ORDER BY member_id, seq DESC
    ON CONFLICT (member_id) DO UPDATE SET fingerprint = excluded.fingerprint, last_seq = excluded.last_seq`;
}
