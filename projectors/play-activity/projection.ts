// Play's view of chat: who posted when, and whether it repeated their previous message.
// No text is kept. A batch loads the senders' last fingerprints, walks the posts in log order
// and writes every row with one UNNEST.
import { hash } from 'node:crypto';
import { sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { numberArray, textArray, timestampArray } from '../runtime/arrays.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1900_play_activity.ts';
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
  migrations: { '20261122T1900_play_activity': m20261122 },
  apply: async (events, { db, schema }) => {
    const statement = batchStatement(events, schema);
    if (statement) await statement.execute(db);
  },
  // The live worker sends it with BEGIN and COMMIT without waiting in between.
  batchStatement: (events, { db, schema }) => batchStatement(events, schema)?.compile(db) ?? null,
};

/**
 * The whole batch as one statement: whether a post repeats its sender's previous message is
 * decided in SQL (the previous post in the batch, else the stored last fingerprint), so no
 * read has to come back before the write goes out.
 */
function batchStatement(events: StoredEvent<ChatEvent>[], schema: string) {
  const posts: { e: StoredEvent<ChatEvent>; sender: string; fp: string }[] = [];
  for (const e of events) {
    // A line from Hearth itself (no sender: someone joined) is nobody's message.
    if (e.event.case !== 'messagePosted' || e.event.value.senderId === '') continue;
    posts.push({ e, sender: e.event.value.senderId, fp: fingerprint(e.event.value.content) });
  }
  if (posts.length === 0) return null;
  const t = (name: string) => sql.table(`${schema}.${name}`);
  // Only rows that are new count into their quarter hour, so a redelivered batch adds nothing.
  return sql`
    WITH b AS (
      SELECT * FROM unnest(${numberArray(posts, (p) => p.e.seq)}::bigint[], ${textArray(posts, (p) => p.sender)}::text[],
        ${timestampArray(posts, (p) => p.e.occurredAt)}::timestamptz[], ${textArray(posts, (p) => p.fp)}::text[])
        AS b(seq, member_id, at, fp)),
    p AS (
      SELECT b.seq, b.member_id, b.at, b.fp,
        coalesce(lag(b.fp) OVER (PARTITION BY b.member_id ORDER BY b.seq),
          (SELECT l.fingerprint FROM ${t('last_message')} l WHERE l.member_id = b.member_id)) AS prev
      FROM b),
    added AS (
      INSERT INTO ${t('messages')} (member_id, seq, at, repeat)
      SELECT member_id, seq, at, coalesce(fp = prev, false) FROM p
      ON CONFLICT (member_id, seq) DO NOTHING
      RETURNING member_id, at, repeat),
    counted AS (
      INSERT INTO ${t('buckets')} AS k (member_id, bucket, messages, unique_messages, first_at)
      SELECT member_id, date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*),
        count(*) FILTER (WHERE NOT repeat), min(at)
      FROM added GROUP BY 1, 2
      ON CONFLICT (member_id, bucket) DO UPDATE SET messages = k.messages + excluded.messages,
        unique_messages = k.unique_messages + excluded.unique_messages,
        first_at = least(k.first_at, excluded.first_at))
    INSERT INTO ${t('last_message')} AS l (member_id, fingerprint)
    SELECT DISTINCT ON (member_id) member_id, fp FROM b ORDER BY member_id, seq DESC
    ON CONFLICT (member_id) DO UPDATE SET fingerprint = excluded.fingerprint`;
}
