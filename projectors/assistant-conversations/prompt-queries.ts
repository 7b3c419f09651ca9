// Reading the admins' system prompts: the list, one with its versions, and the children's
// prompt as a child's conversation applies it.
import type { Kysely, Selectable } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { MAX_SYSTEM_PROMPTS } from '../../contracts/assistant.schema.ts';
import { ASSISTANT_CONVERSATIONS } from './projection.ts';
import type { AssistantDB, SystemPromptRow, SystemPromptVersionRow } from './tables.ts';

const of = (db: Kysely<unknown>) => (db as Kysely<AssistantDB>).withSchema(ASSISTANT_CONVERSATIONS);

export type StoredPrompt = Omit<Selectable<SystemPromptRow>, 'last_seq'>;
export type StoredPromptVersion = Omit<Selectable<SystemPromptVersionRow>, 'last_seq' | 'prompt_id'>;

const PROMPT_COLUMNS = [
  'prompt_id',
  'name',
  'text',
  'version',
  'removed',
  'created_at',
  'updated_at',
  'updated_by',
] as const;

/** The prompts not removed, by name, and the children's prompt id ('' for none). */
export async function listSystemPrompts(
  db: Kysely<unknown>,
): Promise<{ prompts: StoredPrompt[]; childrenPromptId: string }> {
  const [prompts, children] = await Promise.all([
    of(db)
      .selectFrom('system_prompts')
      .select(PROMPT_COLUMNS)
      .where('removed', '=', false)
      .orderBy('name')
      .orderBy('prompt_id')
      .limit(MAX_SYSTEM_PROMPTS)
      .execute(),
    of(db).selectFrom('children_prompt').select('prompt_id').where('id', '=', 'family').executeTakeFirst(),
  ]);
  return { prompts, childrenPromptId: children?.prompt_id ?? '' };
}

/** One prompt (removed ones too) with every version, newest first. */
export async function findSystemPrompt(
  db: Kysely<unknown>,
  promptId: string,
): Promise<{ prompt: StoredPrompt; versions: StoredPromptVersion[] } | undefined> {
  const [prompt, versions] = await Promise.all([
    of(db)
      .selectFrom('system_prompts')
      .select(PROMPT_COLUMNS)
      .where('prompt_id', '=', promptId)
      .executeTakeFirst(),
    of(db)
      .selectFrom('system_prompt_versions')
      .select(['version', 'name', 'text', 'saved_at', 'saved_by'])
      .where('prompt_id', '=', promptId)
      .orderBy('version', 'desc')
      .execute(),
  ]);
  return prompt ? { prompt, versions } : undefined;
}

export type AppliedPrompt = { prompt_id: string; version: number; text: string };

/**
 * The current version of the prompt every child's conversation gets, if any, and the last
 * prompts event the read model had applied when it was read (each one stamps a row's last_seq),
 * so a caller can tell whether the answer is older than the log: one read.
 */
export async function childrenPrompt(
  db: Kysely<unknown>,
): Promise<{ prompt: AppliedPrompt | undefined; appliedSeq: number }> {
  const row = await of(db)
    .selectNoFrom((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('children_prompt as c')
          .innerJoin('system_prompts as p', 'p.prompt_id', 'c.prompt_id')
          .select(['p.prompt_id', 'p.version', 'p.text'])
          .where('c.id', '=', 'family')
          .where('p.removed', '=', false),
      ).as('prompt'),
      eb
        .selectFrom('system_prompts')
        .select((s) => s.fn.max('last_seq').as('seq'))
        .as('prompts_seq'),
      eb.selectFrom('children_prompt').select('last_seq').where('id', '=', 'family').as('children_seq'),
    ])
    .executeTakeFirstOrThrow();
  return {
    prompt: row.prompt ?? undefined,
    appliedSeq: Math.max(Number(row.prompts_seq ?? 0), Number(row.children_seq ?? 0)),
  };
}
