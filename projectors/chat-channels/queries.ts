// The reads the edge makes about channels. Unread counts join the message history read model:
// a badge is the number of messages after the reader's watermark, never a row per reader.
// Lines from Hearth itself (sender '': someone joined) are shown, not counted: nobody said them.
import { type Kysely, sql } from 'kysely';

export type ChannelSummary = {
  id: string;
  name: string;
  kind: string;
  archived: boolean;
  unread: number;
  /** Stream sequence of the newest message (0 when there is none). */
  last_seq: number;
  last_message_at: string | null;
  read_seq: number;
  members: string[];
};

export type ChannelDetail = Omit<ChannelSummary, 'unread' | 'read_seq' | 'members'> & {
  created_by: string;
  created_at: string;
  /** Each member's watermark: "seen by" is every member whose read_seq reaches a message. */
  members: { user_id: string; read_seq: number; joined_at: string }[];
};

/** Badges stop counting here; a client shows "999+". */
export const UNREAD_CAP = 999;

type SummaryRow = {
  id: string;
  name: string;
  kind: string;
  archived: boolean;
  last_message_seq: string;
  last_message_at: Date | null;
  read_seq: string;
  members: string[] | null;
  unread: string;
};

export async function channelsOf(db: Kysely<unknown>, userId: string): Promise<ChannelSummary[]> {
  const { rows } = await sql<SummaryRow>`
    SELECT c.id, c.name, c.kind, c.archived, c.last_message_seq, c.last_message_at, m.read_seq,
      (SELECT array_agg(o.user_id ORDER BY o.joined_at, o.user_id) FROM chat_channels.members o
        WHERE o.channel_id = c.id) AS members,
      (SELECT count(*) FROM (SELECT 1 FROM chat_messages.messages x
        WHERE x.channel_id = c.id AND x.seq > m.read_seq AND NOT x.deleted AND x.sender_id <> m.user_id
          AND x.sender_id <> ''
        LIMIT ${UNREAD_CAP}) u) AS unread
    FROM chat_channels.members m JOIN chat_channels.channels c ON c.id = m.channel_id
    WHERE m.user_id = ${userId}
    ORDER BY c.last_message_seq DESC, c.created_at, c.id`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    archived: r.archived,
    unread: Number(r.unread),
    last_seq: Number(r.last_message_seq),
    last_message_at: r.last_message_at?.toISOString() ?? null,
    read_seq: Number(r.read_seq),
    members: r.members ?? [],
  }));
}

type DetailRow = {
  id: string;
  name: string;
  kind: string;
  archived: boolean;
  created_by: string;
  created_at: Date;
  last_message_seq: string;
  last_message_at: Date | null;
};

export async function channelDetail(
  db: Kysely<unknown>,
  channelId: string,
): Promise<ChannelDetail | undefined> {
  const { rows } = await sql<DetailRow>`
    SELECT id, name, kind, archived, created_by, created_at, last_message_seq, last_message_at
    FROM chat_channels.channels WHERE id = ${channelId}`.execute(db);
  const c = rows[0];
  if (!c) return undefined;
  const members = await sql<{ user_id: string; read_seq: string; joined_at: Date }>`
    SELECT user_id, read_seq, joined_at FROM chat_channels.members WHERE channel_id = ${channelId}
    ORDER BY joined_at, user_id`.execute(db);
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    archived: c.archived,
    created_by: c.created_by,
    created_at: c.created_at.toISOString(),
    last_seq: Number(c.last_message_seq),
    last_message_at: c.last_message_at?.toISOString() ?? null,
    members: members.rows.map((m) => ({
      user_id: m.user_id,
      read_seq: Number(m.read_seq),
      joined_at: m.joined_at.toISOString(),
    })),
  };
}
