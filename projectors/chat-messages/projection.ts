// The message history. A batch loads the messages it touches, folds posts, edits, deletions
// and reactions over them in memory, and writes each changed row once with UNNEST. A batch of
// posts reads nothing, so the live worker sends it as one statement (batchStatement).
// A member's erasure blanks their words and file names on every message of theirs, as a
// rebuild writes them from the shredded events, and marks those messages erased.
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { ChatEvent } from '../../contracts/gen/hearth/chat/v1/events_pb.ts';
import { own } from '../../contracts/records.ts';
import { storedAttachment } from '../../writers/chat/attachments.ts';
import { aroundErasures, blankMember, hasErasure, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261122 from './migrations/20261122T1710_chat_messages.ts';
import * as m20261220 from './migrations/20261220T1000_attachments.ts';
import * as m20261228 from './migrations/20261228T1000_attachment_index.ts';
import * as m20261230 from './migrations/20261230T1000_erased.ts';
import type { ChatMessagesDB, MessageRow } from './tables.ts';

export type Row = Omit<MessageRow, 'seq' | 'last_seq'> & { seq: number; last_seq: number };
type Event = StoredEvent<ChatEvent>;

const key = (channelId: string, id: string) => `${channelId}\u0000${id}`;

const NAME = 'chat_messages';

export const chatMessagesProjection: Projection<ChatMessagesDB, ChatEvent> = {
  name: NAME,
  domain: 'chat',
  migrations: {
    '20261122T1710_chat_messages': m20261122,
    '20261220T1000_attachments': m20261220,
    '20261228T1000_attachment_index': m20261228,
    '20261230T1000_erased': m20261230,
  },
  lineage: { messages: { key: ['channel_id', 'id'], seq: 'last_seq' } },
  apply: (events, { db, schema }) =>
    aroundErasures(
      events,
      (run) => applyRun(db, schema, run),
      (memberId) => blankMember(db as Kysely<unknown>, { readModel: NAME, schema }, memberId, PERSONAL),
    ),
  // The steady state is a stream of posts: a post makes its row whole, with nothing to read
  // first. Edits, deletions, reactions and erasures fold over stored rows: apply.
  batchStatement: (events, { db, schema }) => {
    if (hasErasure(events)) return undefined;
    const rows = new Map<string, Row>();
    for (const e of events) {
      if (e.event.case === 'messagePosted') {
        const row = evolveRow(undefined, e) as Row;
        rows.set(key(row.channel_id, row.id), row);
      } else if ('messageId' in e.event.value) return undefined;
    }
    // UNNEST whatever the size: one statement text, prepared once on the worker's connection.
    return upsert(schema, [...rows.values()], true)?.compile(db) ?? null;
  },
};

/**
 * Every message of the member, as a rebuild writes it from their shredded events: the words
 * empty, each attachment's file name empty (the rest of its snapshot is no one's), erased.
 * Reactions, mentions and tombstones stay as they are.
 */
export const PERSONAL: PersonalCopy[] = [
  {
    table: 'messages',
    member: 'sender_id',
    blank: {
      content: sql`''`,
      attachments: sql`(SELECT coalesce(jsonb_agg(a.item || '{"file_name": ""}'::jsonb ORDER BY a.n), '[]'::jsonb)
        FROM jsonb_array_elements(attachments) WITH ORDINALITY AS a(item, n))`,
      erased: sql`true`,
    },
  },
];

/** Events about messages, between erasures: the rows they touch are loaded, folded, written. */
async function applyRun(db: Kysely<ChatMessagesDB>, schema: string, events: Event[]): Promise<void> {
  const relevant = events.filter((e) => 'messageId' in e.event.value);
  if (relevant.length === 0) return;
  const rows = await loadTouched(db, schema, relevant);
  const changed = new Set<string>();
  for (const e of relevant) {
    const v = e.event.value as { channelId: string; messageId: string };
    const k = key(v.channelId, v.messageId);
    const next = evolveRow(rows.get(k), e);
    if (next) {
      rows.set(k, next);
      changed.add(k);
    }
  }
  const statement = upsert(
    schema,
    [...changed].map((k) => rows.get(k) as Row),
    false,
  );
  if (statement) await statement.execute(db);
}

export function evolveRow(row: Row | undefined, e: Event): Row | undefined {
  const at = { last_seq: e.seq };
  const { event } = e;
  if (event.case === 'messagePosted') {
    const v = event.value;
    return {
      channel_id: v.channelId,
      id: v.messageId,
      seq: e.seq,
      sender_id: v.senderId,
      content: v.content,
      reply_to: v.replyToId || null,
      mentions: v.mentionIds,
      reactions: {},
      created_at: e.occurredAt,
      edited_at: null,
      deleted: false,
      deleted_by: null,
      attachments: v.attachments.map(storedAttachment),
      // Sealed for a sender since erased: the words and file names read empty.
      erased: e.erased === true,
      ...at,
    };
  }
  if (!row) return undefined;
  switch (event.case) {
    case 'messageEdited':
      if (row.deleted) return undefined;
      return {
        ...row,
        content: event.value.content,
        mentions: event.value.mentionIds,
        edited_at: e.occurredAt,
        erased: row.erased || e.erased === true,
        ...at,
      };
    case 'messageDeleted':
      // The tombstone keeps who, where and when, never what.
      return {
        ...row,
        content: '',
        mentions: [],
        reactions: {},
        attachments: [],
        deleted: true,
        deleted_by: event.value.deletedBy,
        ...at,
      };
    case 'reactionAdded': {
      const { emoji, userId } = event.value;
      const who = own(row.reactions, emoji) ?? [];
      if (row.deleted || who.includes(userId)) return undefined;
      return { ...row, reactions: { ...row.reactions, [emoji]: [...who, userId] }, ...at };
    }
    case 'reactionRemoved': {
      const { emoji, userId } = event.value;
      const who = (own(row.reactions, emoji) ?? []).filter((u) => u !== userId);
      const { [emoji]: _, ...rest } = row.reactions;
      return { ...row, reactions: who.length ? { ...rest, [emoji]: who } : rest, ...at };
    }
    case 'channelCreated':
    case 'memberJoined':
    case 'memberLeft':
    case 'channelArchived':
    case 'channelRead':
    // The sender's messages all at once, in SQL (PERSONAL).
    case 'memberErased':
      return undefined;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

async function loadTouched(db: Kysely<ChatMessagesDB>, schema: string, events: Event[]) {
  const pairs = new Map<string, [string, string]>();
  for (const e of events) {
    const v = e.event.value as { channelId: string; messageId: string };
    if (e.event.case !== 'messagePosted')
      pairs.set(key(v.channelId, v.messageId), [v.channelId, v.messageId]);
  }
  const list = [...pairs.values()];
  const found = list.length
    ? (
        await sql<Selectable<MessageRow>>`
          SELECT m.* FROM ${sql.table(`${schema}.messages`)} m
          JOIN unnest(${list.map((p) => p[0])}::text[], ${list.map((p) => p[1])}::text[]) AS t(channel_id, id)
            ON m.channel_id = t.channel_id AND m.id = t.id`.execute(db)
      ).rows
    : [];
  return new Map<string, Row>(
    found.map((r) => [key(r.channel_id, r.id), { ...r, seq: Number(r.seq), last_seq: Number(r.last_seq) }]),
  );
}

/**
 * Up to this many rows go as a VALUES list: the live stream's batches of one or a few rows
 * cost Postgres a half to a third of the CPU an UNNEST of 14 arrays takes to plan. A backlog's
 * large batches keep the UNNEST, whose statement does not grow with the batch. (batchStatement
 * always takes the UNNEST: prepared once, it is not planned batch after batch.)
 */
const VALUES_UP_TO = 8;

/** The changed rows, written whole; null when there are none. */
function upsert(schema: string, rows: Row[], unnest: boolean): RawBuilder<unknown> | null {
  if (rows.length === 0) return null;
  return sql`
    INSERT INTO ${sql.table(`${schema}.messages`)} (channel_id, id, seq, sender_id, content, reply_to, mentions,
      reactions, created_at, edited_at, deleted, deleted_by, last_seq, attachments, erased)
    ${unnest || rows.length > VALUES_UP_TO ? unnestOf(rows) : valuesOf(rows)}
    ON CONFLICT (channel_id, id) DO UPDATE SET content = excluded.content, mentions = excluded.mentions,
      reactions = excluded.reactions, edited_at = excluded.edited_at, deleted = excluded.deleted,
      deleted_by = excluded.deleted_by, last_seq = excluded.last_seq, attachments = excluded.attachments,
      erased = excluded.erased`;
}

const valuesOf = (rows: Row[]) =>
  sql`VALUES ${sql.join(
    rows.map(
      (r) =>
        sql`(${r.channel_id}, ${r.id}, ${r.seq}::bigint, ${r.sender_id}, ${r.content}, ${r.reply_to}::text,
          ${r.mentions}::text[], ${JSON.stringify(r.reactions)}::jsonb, ${r.created_at}::timestamptz,
          ${r.edited_at}::timestamptz, ${r.deleted}::boolean, ${r.deleted_by}::text, ${r.last_seq}::bigint,
          ${JSON.stringify(r.attachments)}::jsonb, ${r.erased}::boolean)`,
    ),
  )}`;

function unnestOf(rows: Row[]) {
  const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k]);
  // text[] columns cannot ride in an UNNEST of arrays (no ragged arrays): send them as JSON.
  const mentions = rows.map((r) => JSON.stringify(r.mentions));
  const reactions = rows.map((r) => JSON.stringify(r.reactions));
  const attachments = rows.map((r) => JSON.stringify(r.attachments));
  return sql`
    SELECT t.channel_id, t.id, t.seq, t.sender_id, t.content, t.reply_to,
      ARRAY(SELECT jsonb_array_elements_text(t.mentions)), t.reactions, t.created_at, t.edited_at, t.deleted,
      t.deleted_by, t.last_seq, t.attachments, t.erased
    FROM unnest(${col('channel_id')}::text[], ${col('id')}::text[], ${col('seq')}::bigint[], ${col('sender_id')}::text[],
      ${col('content')}::text[], ${col('reply_to')}::text[], ${mentions}::jsonb[], ${reactions}::jsonb[],
      ${col('created_at')}::timestamptz[], ${col('edited_at')}::timestamptz[], ${col('deleted')}::boolean[],
      ${col('deleted_by')}::text[], ${col('last_seq')}::bigint[], ${attachments}::jsonb[], ${col('erased')}::boolean[])
      AS t(channel_id, id, seq, sender_id, content, reply_to, mentions, reactions, created_at, edited_at, deleted,
        deleted_by, last_seq, attachments, erased)`;
}
