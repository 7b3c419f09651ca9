// Reading conversations, their turns and the members' usage (quotas and the console's chart).

import type { Selectable } from 'kysely';
import { type Kysely, sql } from 'kysely';
import { ASSISTANT_CONVERSATIONS } from './projection.ts';
import type { AssistantDB, ConversationRow, TurnRow } from './tables.ts';

const of = (db: Kysely<unknown>) => (db as Kysely<AssistantDB>).withSchema(ASSISTANT_CONVERSATIONS);

export type StoredConversation = Omit<Selectable<ConversationRow>, 'last_seq'>;
export type StoredTurn = Omit<Selectable<TurnRow>, 'last_seq'>;

/** A member's conversations, newest first; with `role`, every member's of that role. */
export async function listConversations(
  db: Kysely<unknown>,
  filter: { memberId?: string; role?: string; limit: number },
): Promise<StoredConversation[]> {
  let q = of(db)
    .selectFrom('conversations')
    .select(['conversation_id', 'member_id', 'role', 'title', 'turns', 'started_at', 'updated_at']);
  if (filter.memberId !== undefined) q = q.where('member_id', '=', filter.memberId);
  if (filter.role !== undefined) q = q.where('role', '=', filter.role);
  return q.orderBy('updated_at', 'desc').limit(filter.limit).execute();
}

export async function findConversation(
  db: Kysely<unknown>,
  conversationId: string,
): Promise<{ conversation: StoredConversation; turns: StoredTurn[] } | undefined> {
  // Both at once: a prompt in a conversation waits for this before it is asked.
  const [conversation, turns] = await Promise.all([
    of(db)
      .selectFrom('conversations')
      .select(['conversation_id', 'member_id', 'role', 'title', 'turns', 'started_at', 'updated_at'])
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst(),
    of(db)
      .selectFrom('turns')
      .select([
        'conversation_id',
        'turn',
        'member_id',
        'model',
        'prompt',
        'answer',
        'prompt_tokens',
        'answer_tokens',
        'duration_ms',
        'cut_off',
        'cached',
        'asked_at',
        'answered_at',
      ])
      .where('conversation_id', '=', conversationId)
      .orderBy('turn')
      .execute(),
  ]);
  if (!conversation) return undefined;
  return { conversation, turns };
}

/** A member's requests and tokens since a moment (the quota's day). */
export async function usageSince(
  db: Kysely<unknown>,
  memberId: string,
  since: Date,
): Promise<{ requests: number; tokens: number; oldest: Date | undefined }> {
  const row = await of(db)
    .selectFrom('turns')
    .select([
      sql<string>`count(*)`.as('requests'),
      sql<string>`coalesce(sum(prompt_tokens + answer_tokens), 0)`.as('tokens'),
      sql<Date | null>`min(asked_at)`.as('oldest'),
    ])
    .where('member_id', '=', memberId)
    .where('asked_at', '>=', since)
    .executeTakeFirst();
  return {
    requests: Number(row?.requests ?? 0),
    tokens: Number(row?.tokens ?? 0),
    oldest: row?.oldest ? new Date(row.oldest) : undefined,
  };
}

/**
 * A member's requests since `minute` (and the oldest of them) and tokens since `day`, in one
 * read: what a quota checks.
 */
export async function usageWindows(
  db: Kysely<unknown>,
  { memberId, minute, day }: { memberId: string; minute: Date; day: Date },
): Promise<{ requests: number; oldest: Date | undefined; tokens: number }> {
  const row = await of(db)
    .selectFrom('turns')
    .select([
      sql<string>`count(*) FILTER (WHERE asked_at >= ${minute})`.as('requests'),
      sql<Date | null>`min(asked_at) FILTER (WHERE asked_at >= ${minute})`.as('oldest'),
      sql<string>`coalesce(sum(prompt_tokens + answer_tokens) FILTER (WHERE asked_at >= ${day}), 0)`.as(
        'tokens',
      ),
    ])
    .where('member_id', '=', memberId)
    .where('asked_at', '>=', minute < day ? minute : day)
    .executeTakeFirst();
  return {
    requests: Number(row?.requests ?? 0),
    oldest: row?.oldest ? new Date(row.oldest) : undefined,
    tokens: Number(row?.tokens ?? 0),
  };
}

export type UsageDay = { member_id: string; day: string; requests: number; tokens: number; cached: number };

/** Every member's usage per UTC day since a moment, for the console's chart. */
export async function usageByDay(db: Kysely<unknown>, since: Date): Promise<UsageDay[]> {
  const rows = await of(db)
    .selectFrom('turns')
    .select([
      'member_id',
      sql<string>`to_char(asked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as('day'),
      sql<string>`count(*)`.as('requests'),
      sql<string>`coalesce(sum(prompt_tokens + answer_tokens), 0)`.as('tokens'),
      sql<string>`count(*) FILTER (WHERE cached)`.as('cached'),
    ])
    .where('asked_at', '>=', since)
    .groupBy(['member_id', 'day'])
    .orderBy('day')
    .orderBy('member_id')
    .execute();
  return rows.map((r) => ({
    member_id: r.member_id,
    day: r.day,
    requests: Number(r.requests),
    tokens: Number(r.tokens),
    cached: Number(r.cached),
  }));
}

export type StoredSettings = {
  version: number;
  allowed_models: { role: string; models: string[] }[];
  quotas: { member_id: string; tokens_per_day: number; requests_per_minute: number }[];
};

/** The admins' settings, or none set (any model, no quota). */
export async function assistantSettings(db: Kysely<unknown>): Promise<StoredSettings> {
  const row = await of(db)
    .selectFrom('settings')
    .select(['version', 'allowed_models', 'quotas'])
    .where('id', '=', 'family')
    .executeTakeFirst();
  return row ?? { version: 0, allowed_models: [], quotas: [] };
}
