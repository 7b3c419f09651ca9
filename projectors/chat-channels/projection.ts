// Channels, membership and read watermarks. A batch loads the rows it touches, folds its
// events over them in memory, and writes them back with UNNEST: a few statements per batch.
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { aboutChannel, type ChannelEventBody } from '../../writers/chat/state.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1700_chat_channels.ts';
import type { ChannelRow, ChatChannelsDB, MemberRow } from './tables.ts';

type Num<T, K extends keyof T> = Omit<T, K> & { [P in K]: number };
export type Channel = Num<ChannelRow, 'last_message_seq' | 'last_seq'>;
export type Member = Num<MemberRow, 'read_seq' | 'last_seq'>;
type Event = StoredEvent<ChatEvent>;
type ChannelEvent = Event & { event: ChannelEventBody };

const memberKey = (channelId: string, userId: string) => `${channelId}\u0000${userId}`;

export const chatChannelsProjection: Projection<ChatChannelsDB, ChatEvent> = {
  name: 'chat_channels',
  domain: 'chat',
  migrations: { '20261122T1700_chat_channels': m20261122 },
  lineage: {
    channels: { key: ['id'], seq: 'last_seq' },
    members: { key: ['channel_id', 'user_id'], seq: 'last_seq' },
  },
  apply: async (batch, { db, schema }) => {
    // A member's erasure changes nothing here: channels, membership and marks are no one's words.
    const events = batch.filter(aboutChannel);
    if (onlyPosts(events)) {
      const statement = postsStatement(schema, events, false);
      if (statement) await statement.execute(db);
      return;
    }
    const { channels, members } = await loadTouched(db, schema, events);
    const changedChannels = new Set<string>();
    const changedMembers = new Set<string>();
    for (const e of events) {
      const v = e.event.value;
      const channel = channels.get(v.channelId);
      const touchChannel = (next: Channel) => {
        channels.set(next.id, next);
        changedChannels.add(next.id);
      };
      const touchMember = (userId: string, next: Member | null) => {
        members.set(memberKey(v.channelId, userId), next);
        changedMembers.add(memberKey(v.channelId, userId));
      };
      const member = (userId: string) => members.get(memberKey(v.channelId, userId)) ?? null;
      switch (e.event.case) {
        case 'channelCreated': {
          const c = e.event.value;
          touchChannel({
            id: c.channelId,
            name: c.name,
            kind: c.kind,
            created_by: c.createdBy,
            archived: false,
            created_at: e.occurredAt,
            last_message_seq: 0,
            last_message_at: null,
            last_seq: e.seq,
          });
          break;
        }
        case 'memberJoined': {
          const { userId } = e.event.value;
          const had = member(userId);
          // Whatever was said before someone joined is not news to them.
          if (!had)
            touchMember(userId, {
              channel_id: v.channelId,
              user_id: userId,
              joined_at: e.occurredAt,
              read_seq: e.seq,
              last_seq: e.seq,
            });
          break;
        }
        case 'memberLeft':
          touchMember(e.event.value.userId, null);
          break;
        case 'channelArchived':
          if (channel) touchChannel({ ...channel, archived: true, last_seq: e.seq });
          break;
        case 'messagePosted': {
          if (channel)
            touchChannel({
              ...channel,
              last_message_seq: e.seq,
              last_message_at: e.occurredAt,
              last_seq: e.seq,
            });
          // Posting means having read the channel up to one's own message.
          const sender = member(e.event.value.senderId);
          if (sender)
            touchMember(sender.user_id, {
              ...sender,
              read_seq: Math.max(sender.read_seq, e.seq),
              last_seq: e.seq,
            });
          break;
        }
        case 'channelRead': {
          const reader = member(e.event.value.userId);
          const upTo = Number(e.event.value.upToSeq);
          if (reader && upTo > reader.read_seq)
            touchMember(reader.user_id, { ...reader, read_seq: upTo, last_seq: e.seq });
          break;
        }
        case 'messageEdited':
        case 'messageDeleted':
        case 'reactionAdded':
        case 'reactionRemoved':
          break;
        default: {
          const unreachable: never = e.event;
          return unreachable;
        }
      }
    }
    await writeChannels(
      db,
      schema,
      [...changedChannels].map((id) => channels.get(id) as Channel),
    );
    const kept = [...changedMembers].map((k) => members.get(k)).filter((m): m is Member => !!m);
    const gone = [...changedMembers]
      .filter((k) => !members.get(k))
      .map((k) => k.split('\u0000') as [string, string]);
    await writeMembers(db, schema, kept);
    await deleteMembers(db, schema, gone);
  },
  // Posts are one statement with nothing to read first (postsStatement); the rest needs the
  // fold: apply.
  batchStatement: (events, { db, schema }) =>
    onlyPosts(events) ? (postsStatement(schema, events, true)?.compile(db) ?? null) : undefined,
};

/** Events that create, archive, join, leave or move a watermark: they need the fold below. */
const TOUCHES_MEMBERSHIP = new Set<ChatEvent['event']['case']>([
  'channelCreated',
  'memberJoined',
  'memberLeft',
  'channelArchived',
  'channelRead',
]);

/** Posts and events this read model ignores (edits, deletions, reactions): no fold needed. */
const onlyPosts = (events: Event[]) => events.every((e) => !TOUCHES_MEMBERSHIP.has(e.event.case));

/**
 * The steady state is a stream of posts, and a post only moves numbers forward on rows that
 * exist: one statement updates them in place, with no load and no fold. Same outcome as the
 * fold: the channel takes its newest post, each sender's watermark its newest own post. Null
 * when the batch posts nothing. `unnest` keeps the statement's text the same whatever the
 * batch, for the live worker to prepare it once.
 */
function postsStatement(schema: string, events: Event[], unnest: boolean): RawBuilder<unknown> | null {
  const channels = new Map<string, { seq: number; at: Date }>();
  const senders = new Map<string, { channelId: string; userId: string; seq: number }>();
  for (const e of events) {
    if (e.event.case !== 'messagePosted') continue;
    const { channelId, senderId } = e.event.value;
    channels.set(channelId, { seq: e.seq, at: e.occurredAt });
    senders.set(memberKey(channelId, senderId), { channelId, userId: senderId, seq: e.seq });
  }
  if (channels.size === 0) return null;
  const ch = [...channels];
  const who = [...senders.values()];
  const only = !unnest && ch.length === 1 && who.length === 1 ? who[0] : undefined;
  const last = only && channels.get(only.channelId);
  if (only && last) {
    // The live stream's usual batch: one post, or a few by one person. Plain parameters plan
    // in half the time the joins with UNNEST below take.
    const id = only.channelId;
    return sql`
      WITH posted AS (
        UPDATE ${sql.table(`${schema}.channels`)}
        SET last_message_seq = ${last.seq}::bigint, last_message_at = ${last.at}::timestamptz,
          last_seq = ${last.seq}::bigint
        WHERE id = ${id}
      )
      UPDATE ${sql.table(`${schema}.members`)}
      SET read_seq = GREATEST(read_seq, ${only.seq}::bigint), last_seq = ${only.seq}::bigint
      WHERE channel_id = ${id} AND user_id = ${only.userId}`;
  }
  // A data-modifying WITH runs to completion whether or not the outer statement reads it.
  return sql`
    WITH posted AS (
      UPDATE ${sql.table(`${schema}.channels`)} c
      SET last_message_seq = t.seq, last_message_at = t.at, last_seq = t.seq
      FROM unnest(${ch.map(([id]) => id)}::text[], ${ch.map(([, v]) => v.seq)}::bigint[],
        ${ch.map(([, v]) => v.at)}::timestamptz[]) AS t(id, seq, at)
      WHERE c.id = t.id
    )
    UPDATE ${sql.table(`${schema}.members`)} m
    SET read_seq = GREATEST(m.read_seq, t.seq), last_seq = t.seq
    FROM unnest(${who.map((w) => w.channelId)}::text[], ${who.map((w) => w.userId)}::text[],
      ${who.map((w) => w.seq)}::bigint[]) AS t(channel_id, user_id, seq)
    WHERE m.channel_id = t.channel_id AND m.user_id = t.user_id`;
}

async function loadTouched(db: Kysely<ChatChannelsDB>, schema: string, events: ChannelEvent[]) {
  const channelIds = [...new Set(events.map((e) => e.event.value.channelId))];
  const pairs = new Map<string, [string, string]>();
  for (const e of events) {
    const v = e.event;
    const userId =
      v.case === 'memberJoined' || v.case === 'memberLeft' || v.case === 'channelRead'
        ? v.value.userId
        : v.case === 'messagePosted'
          ? v.value.senderId
          : undefined;
    if (userId) pairs.set(memberKey(v.value.channelId, userId), [v.value.channelId, userId]);
  }
  const channelRows = channelIds.length
    ? await db.selectFrom('channels').selectAll().where('id', 'in', channelIds).execute()
    : [];
  const list = [...pairs.values()];
  const memberRows = list.length
    ? (
        await sql<Selectable<MemberRow>>`
          SELECT m.* FROM ${sql.table(`${schema}.members`)} m
          JOIN unnest(${list.map((p) => p[0])}::text[], ${list.map((p) => p[1])}::text[]) AS t(channel_id, user_id)
            ON m.channel_id = t.channel_id AND m.user_id = t.user_id`.execute(db)
      ).rows
    : [];
  const channels = new Map<string, Channel>(
    channelRows.map((r) => [
      r.id,
      { ...r, last_message_seq: Number(r.last_message_seq), last_seq: Number(r.last_seq) },
    ]),
  );
  const members = new Map<string, Member | null>(
    memberRows.map((r) => [
      memberKey(r.channel_id, r.user_id),
      { ...r, read_seq: Number(r.read_seq), last_seq: Number(r.last_seq) },
    ]),
  );
  return { channels, members };
}

async function writeChannels(db: Kysely<ChatChannelsDB>, schema: string, rows: Channel[]) {
  if (rows.length === 0) return;
  const col = <K extends keyof Channel>(k: K) => rows.map((r) => r[k]);
  // Raw SQL does not inherit withSchema: name the (live or rebuild) schema explicitly.
  await sql`
    INSERT INTO ${sql.table(`${schema}.channels`)} (id, name, kind, created_by, archived, created_at,
      last_message_seq, last_message_at, last_seq)
    SELECT * FROM unnest(${col('id')}::text[], ${col('name')}::text[], ${col('kind')}::text[],
      ${col('created_by')}::text[], ${col('archived')}::boolean[], ${col('created_at')}::timestamptz[],
      ${col('last_message_seq')}::bigint[], ${col('last_message_at')}::timestamptz[], ${col('last_seq')}::bigint[])
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, created_by = excluded.created_by,
      archived = excluded.archived, created_at = excluded.created_at, last_message_seq = excluded.last_message_seq,
      last_message_at = excluded.last_message_at, last_seq = excluded.last_seq`.execute(db);
}

async function writeMembers(db: Kysely<ChatChannelsDB>, schema: string, rows: Member[]) {
  if (rows.length === 0) return;
  const col = <K extends keyof Member>(k: K) => rows.map((r) => r[k]);
  await sql`
    INSERT INTO ${sql.table(`${schema}.members`)} (channel_id, user_id, joined_at, read_seq, last_seq)
    SELECT * FROM unnest(${col('channel_id')}::text[], ${col('user_id')}::text[], ${col('joined_at')}::timestamptz[],
      ${col('read_seq')}::bigint[], ${col('last_seq')}::bigint[])
    ON CONFLICT (channel_id, user_id) DO UPDATE SET joined_at = excluded.joined_at,
      read_seq = excluded.read_seq, last_seq = excluded.last_seq`.execute(db);
}

async function deleteMembers(db: Kysely<ChatChannelsDB>, schema: string, pairs: [string, string][]) {
  if (pairs.length === 0) return;
  await sql`
    DELETE FROM ${sql.table(`${schema}.members`)} m
    USING unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS gone(channel_id, user_id)
    WHERE m.channel_id = gone.channel_id AND m.user_id = gone.user_id`.execute(db);
}
