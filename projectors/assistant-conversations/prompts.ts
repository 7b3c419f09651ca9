// The admins' system prompts in the assistant read model: the current version of each, every
// version saved, and the children's prompt. Applied by projection.ts in the same transaction.
import { type Kysely, sql } from 'kysely';
import type { AssistantEvent } from '../../contracts/gen/hearth/assistant/v1/events_pb.ts';
import type { StoredEvent } from '../runtime/types.ts';
import type { AssistantDB } from './tables.ts';

export async function applyPromptEvent(db: Kysely<AssistantDB>, e: StoredEvent<AssistantEvent>) {
  const { event } = e;
  const seq = sql<string>`${e.seq}`;
  switch (event.case) {
    case 'systemPromptSaved': {
      const v = event.value;
      const current = {
        name: v.name,
        text: v.text,
        version: v.version,
        removed: false,
        updated_at: e.occurredAt,
        updated_by: v.savedBy,
        last_seq: e.seq,
      };
      await db
        .insertInto('system_prompts')
        .values({ prompt_id: v.promptId, created_at: e.occurredAt, ...current })
        .onConflict((oc) =>
          oc.column('prompt_id').doUpdateSet(current).where('system_prompts.last_seq', '<', seq),
        )
        .execute();
      await db
        .insertInto('system_prompt_versions')
        .values({
          prompt_id: v.promptId,
          version: v.version,
          name: v.name,
          text: v.text,
          saved_at: e.occurredAt,
          saved_by: v.savedBy,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.columns(['prompt_id', 'version']).doNothing())
        .execute();
      return;
    }
    case 'systemPromptRemoved': {
      const v = event.value;
      await db
        .updateTable('system_prompts')
        .set({ removed: true, updated_at: e.occurredAt, updated_by: v.removedBy, last_seq: e.seq })
        .where('prompt_id', '=', v.promptId)
        .where('last_seq', '<', seq)
        .execute();
      return;
    }
    case 'childrenPromptSet': {
      const v = event.value;
      const row = { prompt_id: v.promptId, set_at: e.occurredAt, set_by: v.setBy, last_seq: e.seq };
      await db
        .insertInto('children_prompt')
        .values({ id: 'family', ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row).where('children_prompt.last_seq', '<', seq))
        .execute();
      return;
    }
    default:
      return;
  }
}
