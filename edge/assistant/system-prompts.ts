// The system messages a member's prompt is sent with: for a child, the family's children's
// prompt (its current version) first, then the member's own prompt from their preferences.
// The family's prompt is read beside the prompt's other inputs (chat.ts), so a child's prompt costs
// no extra round trip before the model is asked; the preferences come from memory.
import type { Kysely } from 'kysely';
import { childrenPrompt } from '../../projectors/assistant-conversations/prompt-queries.ts';
import type { StoredPreferences } from '../../projectors/preferences-members/queries.ts';
import type { ChatMessage } from './ollama.ts';

type FamilyPrompt = NonNullable<Awaited<ReturnType<typeof childrenPrompt>>>;

export type SystemPrompts = {
  prefs: StoredPreferences;
  /** In the order sent. */
  system: ChatMessage[];
  /** The family's prompt applied ('' and 0 for none), as PromptSubmitted records it. */
  applied: { systemPromptId: string; systemPromptVersion: number };
};

/** The family's prompt for every child conversation (undefined for other roles, or when none is chosen). */
export async function familyPromptFor(db: Kysely<unknown>, role: string): Promise<FamilyPrompt | undefined> {
  return role === 'child' ? childrenPrompt(db) : undefined;
}

/** The system messages, from the member's preferences and the family's prompt (familyPromptFor). */
export function systemMessages(
  prefs: Pick<StoredPreferences, 'assistant_prompt'>,
  family: FamilyPrompt | undefined,
): Omit<SystemPrompts, 'prefs'> {
  const system: ChatMessage[] = [];
  if (family) system.push({ role: 'system', content: family.text });
  if (prefs.assistant_prompt) system.push({ role: 'system', content: prefs.assistant_prompt });
  return {
    system,
    applied: { systemPromptId: family?.prompt_id ?? '', systemPromptVersion: family?.version ?? 0 },
  };
}
