// The family's conversations with the assistant, from the ASSISTANT stream: one row per
// conversation and one per turn. A member's erasure blanks their words, as a rebuild from the
// shredded events writes them. The admins' settings and system prompts (prompts.ts) live here too.
import { type Kysely, sql } from 'kysely';
import type { AssistantEvent } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import { blankMember, type PersonalCopy } from '../runtime/erasures.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261207 from './migrations/20261207T2100_assistant_conversations.ts';
import * as m20261207b from './migrations/20261207T2300_system_prompts.ts';
import { applyPromptEvent } from './prompts.ts';
import type { AssistantDB } from './tables.ts';

export const ASSISTANT_CONVERSATIONS = 'assistant_conversations';
const TITLE_LENGTH = 80;

const PERSONAL: PersonalCopy[] = [
  { table: 'conversations', member: 'member_id', blank: { title: sql`''` } },
  {
    table: 'turns',
    member: 'member_id',
    blank: { prompt: sql`''`, answer: sql`CASE WHEN answer IS NULL THEN NULL ELSE '' END` },
  },
];

export const assistantConversationsProjection: Projection<AssistantDB, AssistantEvent> = {
  name: ASSISTANT_CONVERSATIONS,
  domain: 'assistant',
  migrations: {
    '20261207T2100_assistant_conversations': m20261207,
    '20261207T2300_system_prompts': m20261207b,
  },
  lineage: {
    conversations: { key: ['conversation_id'], seq: 'last_seq' },
    turns: { key: ['conversation_id', 'turn'], seq: 'last_seq' },
    settings: { key: ['id'], seq: 'last_seq' },
    system_prompts: { key: ['prompt_id'], seq: 'last_seq' },
    system_prompt_versions: { key: ['prompt_id', 'version'], seq: 'last_seq' },
    children_prompt: { key: ['id'], seq: 'last_seq' },
  },
  apply: async (events, { db, schema }) => {
    for (const e of events) await applyOne(db, schema, e);
  },
};

async function applyOne(db: Kysely<AssistantDB>, schema: string, e: StoredEvent<AssistantEvent>) {
  const { event } = e;
  const seq = sql<string>`${e.seq}`;
  switch (event.case) {
    case 'promptSubmitted': {
      const v = event.value;
      await db
        .insertInto('conversations')
        .values({
          conversation_id: v.conversationId,
          member_id: v.memberId,
          role: v.role,
          title: v.prompt.slice(0, TITLE_LENGTH),
          turns: v.turn,
          started_at: e.occurredAt,
          updated_at: e.occurredAt,
          last_seq: e.seq,
        })
        .onConflict((oc) =>
          oc
            .column('conversation_id')
            .doUpdateSet({ turns: v.turn, updated_at: e.occurredAt, last_seq: e.seq })
            .where('conversations.last_seq', '<', seq),
        )
        .execute();
      await db
        .insertInto('turns')
        .values({
          conversation_id: v.conversationId,
          turn: v.turn,
          member_id: v.memberId,
          model: v.model,
          prompt: v.prompt,
          asked_at: e.occurredAt,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'turn']).doNothing())
        .execute();
      return;
    }
    case 'answerCompleted': {
      const v = event.value;
      await db
        .updateTable('turns')
        .set({
          model: v.model,
          answer: v.answer,
          prompt_tokens: v.promptTokens,
          answer_tokens: v.answerTokens,
          duration_ms: v.durationMs,
          cut_off: v.cutOff,
          cached: v.cached,
          answered_at: e.occurredAt,
          last_seq: e.seq,
        })
        .where('conversation_id', '=', v.conversationId)
        .where('turn', '=', v.turn)
        .where('last_seq', '<', seq)
        .execute();
      await db
        .updateTable('conversations')
        .set({ updated_at: e.occurredAt, last_seq: e.seq })
        .where('conversation_id', '=', v.conversationId)
        .where('last_seq', '<', seq)
        .execute();
      return;
    }
    case 'settingsChanged': {
      const v = event.value;
      const row = {
        version: v.version,
        allowed_models: JSON.stringify(v.allowedModels.map((r) => ({ role: r.role, models: r.models }))),
        quotas: JSON.stringify(
          v.quotas.map((q) => ({
            member_id: q.memberId,
            tokens_per_day: q.tokensPerDay,
            requests_per_minute: q.requestsPerMinute,
          })),
        ),
        last_seq: e.seq,
      };
      await db
        .insertInto('settings')
        .values({ id: 'family', ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row).where('settings.last_seq', '<', seq))
        .execute();
      return;
    }
    case 'systemPromptSaved':
    case 'systemPromptRemoved':
    case 'childrenPromptSet':
      return applyPromptEvent(db, e);
    case 'memberErased':
      await blankMember(
        db as Kysely<unknown>,
        { readModel: ASSISTANT_CONVERSATIONS, schema },
        event.value.memberId,
        PERSONAL,
      );
      return;
    default:
      return;
  }
}
