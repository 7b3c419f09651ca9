// The reads the edge makes about messages: pages of history, newest first when choosing
// which, oldest first when returning them (the order a chat shows them in).
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { ChatMessage } from '../../contracts/chat.api.ts';
import { chatAttachment } from '../../writers/chat/attachments.ts';
import type { ChatMessagesDB, MessageRow } from './tables.ts';

export type { ChatMessage };

export function toChatMessage(r: Selectable<MessageRow>): ChatMessage {
  return {
    id: r.id,
    content: r.content,
    sender_id: r.sender_id,
    channel_id: r.channel_id,
    created_at: r.created_at.toISOString(),
    seq: Number(r.seq),
    edited_at: r.edited_at?.toISOString() ?? null,
    deleted: r.deleted,
    reply_to: r.reply_to,
    mentions: r.mentions,
    reactions: r.reactions,
    attachments: r.attachments.map(chatAttachment),
    erased: r.erased,
  };
}

const messages = (db: Kysely<unknown>) => (db as Kysely<ChatMessagesDB>).withSchema('chat_messages');

/** The `limit` most recent messages older than `before` and below `beforeSeq` (each when given), oldest first. */
export async function history(
  db: Kysely<unknown>,
  q: { channelId: string; before?: Date | undefined; beforeSeq?: number | undefined; limit: number },
): Promise<ChatMessage[]> {
  let query = messages(db)
    .selectFrom('messages')
    .selectAll()
    .where('channel_id', '=', q.channelId)
    .orderBy('seq', 'desc')
    .limit(q.limit);
  if (q.before !== undefined) query = query.where('created_at', '<', q.before);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', String(q.beforeSeq));
  const rows = await query.execute();
  return rows.reverse().map(toChatMessage);
}

export async function findMessage(
  db: Kysely<unknown>,
  channelId: string,
  id: string,
): Promise<ChatMessage | undefined> {
  const row = await messages(db)
    .selectFrom('messages')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toChatMessage(row);
}

/** Messages that mention someone, newest first: the "mentions" inbox. */
export async function mentionsOf(db: Kysely<unknown>, userId: string, limit: number): Promise<ChatMessage[]> {
  const rows = await messages(db)
    .selectFrom('messages')
    .selectAll()
    .where(sql<boolean>`mentions @> ARRAY[${userId}]::text[]`)
    .where('deleted', '=', false)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toChatMessage);
}

/**
 * Whether `userId` may read a file attached in chat: it is attached to a message that is not
 * deleted, in a channel they are a member of now. The SQL is a predicate on `fileId` (a
 * column or a value) so the media read model's lists can use it too.
 */
export const attachmentVisibleSql = (
  fileId: RawBuilder<unknown>,
  userId: string,
): RawBuilder<boolean> => sql<boolean>`
  EXISTS (SELECT 1 FROM chat_messages.messages am
    JOIN chat_channels.members cm ON cm.channel_id = am.channel_id AND cm.user_id = ${userId}
    WHERE am.attachments <> '[]'::jsonb AND NOT am.deleted
      AND am.attachments @> jsonb_build_array(jsonb_build_object('id', ${fileId}::text)))`;

export async function attachmentVisibleTo(
  db: Kysely<unknown>,
  fileId: string,
  userId: string,
): Promise<boolean> {
  const { rows } = await sql<{
    ok: boolean;
  }>`SELECT ${attachmentVisibleSql(sql`${fileId}`, userId)} AS ok`.execute(db);
  return rows[0]?.ok === true;
}
