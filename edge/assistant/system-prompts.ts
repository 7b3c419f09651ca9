// The system messages a member's prompt is sent with: the member's own prompt from their
// preferences, then for a child the family's children's prompt (its current version) last, so
// the family's rules have the last word over whatever a child writes in their own. For a child the
// children's prompt is read only as of the last prompts event in the log (else 503): a read
// model behind must not let a child's chat go out without it. The log's last sequence and the
// read go at once, beside the prompt's other inputs (chat.ts), so a child's prompt costs no extra
// round trip while the model is caught up; the preferences come from memory.
import { commonErrors } from '../../contracts/errors.ts';
import { ASSISTANT_CONVERSATIONS } from '../../projectors/assistant-conversations/projection.ts';
import { childrenPrompt } from '../../projectors/assistant-conversations/prompt-queries.ts';
import type { StoredPreferences } from '../../projectors/preferences-members/queries.ts';
import type { HubDeps } from '../http/deps.ts';
import { READ_AFTER_TIMEOUT_MS } from '../http/read-after.ts';
import type { ChatMessage } from './ollama.ts';

type FamilyPrompt = NonNullable<Awaited<ReturnType<typeof childrenPrompt>>['prompt']>;
type Deps = Pick<HubDeps, 'db' | 'log' | 'projectors'>;

export type SystemPrompts = {
  /** In the order sent. */
  system: ChatMessage[];
  /** The family's prompt applied ('' and 0 for none), as PromptSubmitted records it. */
  applied: { systemPromptId: string; systemPromptVersion: number };
};

/** The family's prompt for every child conversation (undefined for other roles, or when none is chosen). */
export async function familyPromptFor(deps: Deps, role: string): Promise<FamilyPrompt | undefined> {
  return role === 'child' ? caughtUpChildrenPrompt(deps) : undefined;
}

/** The system messages, from the member's preferences and the family's prompt (familyPromptFor). */
export function systemMessages(
  prefs: Pick<StoredPreferences, 'assistant_prompt'>,
  family: FamilyPrompt | undefined,
): SystemPrompts {
  const system: ChatMessage[] = [];
  if (prefs.assistant_prompt) system.push({ role: 'system', content: prefs.assistant_prompt });
  if (family) system.push({ role: 'system', content: family.text });
  return {
    system,
    applied: { systemPromptId: family?.prompt_id ?? '', systemPromptVersion: family?.version ?? 0 },
  };
}

/** The children's prompt as of the log's last prompts event: waits (bounded) for it, else 503. */
async function caughtUpChildrenPrompt({ db, log, projectors }: Deps): Promise<FamilyPrompt | undefined> {
  const [last, read] = await Promise.all([
    log.jsm.direct
      .getMessage(log.names.stream('assistant'), { last_by_subj: log.names.assistant.prompts() })
      .then((m) => m?.seq ?? 0)
      .catch(() => 0),
    childrenPrompt(db),
  ]);
  if (read.appliedSeq >= last) return read.prompt;
  if (!(await projectors.waitFor(ASSISTANT_CONVERSATIONS, last, READ_AFTER_TIMEOUT_MS)))
    throw commonErrors.notCaughtUp(undefined, { readModel: ASSISTANT_CONVERSATIONS, after: last });
  return (await childrenPrompt(db)).prompt;
}
