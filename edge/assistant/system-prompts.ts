// The system messages a member's prompt is sent with: for a child, the family's children's
// prompt (its current version) first, then the member's own prompt from their preferences.
// Both are read at once, so a child's prompt costs no extra round trip before the model is asked.
import type { Kysely } from 'kysely';
import { childrenPrompt } from '../../projectors/assistant-conversations/prompt-queries.ts';
import { memberPreferences, type StoredPreferences } from '../../projectors/preferences-members/queries.ts';
import type { ChatMessage } from './ollama.ts';

export type SystemPrompts = {
  prefs: StoredPreferences;
  /** In the order sent. */
  system: ChatMessage[];
  /** The family's prompt applied ('' and 0 for none), as PromptSubmitted records it. */
  applied: { systemPromptId: string; systemPromptVersion: number };
};

export async function systemPromptsFor(
  db: Kysely<unknown>,
  user: { id: string; role: string },
): Promise<SystemPrompts> {
  const [prefs, family] = await Promise.all([
    memberPreferences(db, user.id),
    user.role === 'child' ? childrenPrompt(db) : undefined,
  ]);
  const system: ChatMessage[] = [];
  if (family) system.push({ role: 'system', content: family.text });
  if (prefs.assistant_prompt) system.push({ role: 'system', content: prefs.assistant_prompt });
  return {
    prefs,
    system,
    applied: { systemPromptId: family?.prompt_id ?? '', systemPromptVersion: family?.version ?? 0 },
  };
}
