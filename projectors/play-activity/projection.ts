// Play's view of chat: who posted when, and whether it repeated their previous message.
// No text is kept. A batch loads the senders' last fingerprints, walks the posts in log order
// and writes every row with one UNNEST.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import type { Projection } from '../types.ts';
import * as m20261122 from './migrations/20261122T1900_play_activity.ts';
import type { PlayActivityDB } from './tables.ts';

export const PLAY_ACTIVITY = 'play_activity';

/** Case, surrounding and repeated spaces do not make a message different. */
export function fingerprint(content: string): string {
  const normal = content.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normal).digest('base64url').slice(0, 22);
}

export const playActivityProjection: Projection<PlayActivityDB, ChatEvent> = {
  name: PLAY_ACTIVITY,
  domain: 'chat',
  migrations: { '20261122T1900_play_activity': m20261122 },
  apply: async (events, { db, schema }) => {
    const posts = events.filter((e) => e.event.case === 'messagePosted');
    if (posts.length === 0) return;
    const senders = [...new Set(posts.map((e) => senderOf(e.event)))];
    const last = new Map(
      (
        await sql<{ member_id: string; fingerprint: string }>`
          SELECT member_id, fingerprint FROM ${sql.table(`${schema}.last_message`)}
          WHERE member_id = ANY(${senders}::text[])`.execute(db)
      ).rows.map((r) => [r.member_id, r.fingerprint]),
    );
    const seqs: number[] = [];
    const members: string[] = [];
    const ats: Date[] = [];
    const repeats: boolean[] = [];
    for (const e of posts) {
      if (e.event.case !== 'messagePosted') continue;
      const member = e.event.value.senderId;
      const print = fingerprint(e.event.value.content);
      seqs.push(e.seq);
      members.push(member);
      ats.push(e.occurredAt);
      repeats.push(last.get(member) === print);
      last.set(member, print);
    }
    // Only rows that are new count into their quarter hour, so a redelivered batch adds nothing.
    await sql`
      WITH added AS (
        INSERT INTO ${sql.table(`${schema}.messages`)} (seq, member_id, at, repeat)
        SELECT * FROM unnest(${seqs}::bigint[], ${members}::text[], ${ats}::timestamptz[], ${repeats}::boolean[])
        ON CONFLICT (seq) DO NOTHING
        RETURNING member_id, at, repeat)
      INSERT INTO ${sql.table(`${schema}.buckets`)} (member_id, bucket, messages, unique_messages, first_at)
      SELECT member_id, date_bin('15 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), count(*),
        count(*) FILTER (WHERE NOT repeat), min(at)
      FROM added GROUP BY 1, 2
      ON CONFLICT (member_id, bucket) DO UPDATE SET messages = buckets.messages + excluded.messages,
        unique_messages = buckets.unique_messages + excluded.unique_messages,
        first_at = least(buckets.first_at, excluded.first_at)`.execute(db);
    const touched = [...new Set(members)];
    await sql`
      INSERT INTO ${sql.table(`${schema}.last_message`)} (member_id, fingerprint)
      SELECT * FROM unnest(${touched}::text[], ${touched.map((m) => last.get(m) as string)}::text[])
      ON CONFLICT (member_id) DO UPDATE SET fingerprint = excluded.fingerprint`.execute(db);
  },
};

const senderOf = (event: ChatEvent['event']): string =>
  event.case === 'messagePosted' ? event.value.senderId : '';
