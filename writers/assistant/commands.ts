// The assistant's commands as the edge calls them.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { type CompleteAnswer, conversationAggregate, type SubmitPrompt } from './conversation.ts';
import { type PromptCommand, promptsAggregate } from './prompts.ts';
import { type ChangeSettings, settingsAggregate } from './settings.ts';

export type AssistantWriter = ReturnType<typeof createAssistantWriter>;

export function createAssistantWriter({ appender }: { appender: Pick<Appender, 'append'> }) {
  return {
    submit: (input: Omit<SubmitPrompt, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: conversationAggregate,
        id: input.conversationId,
        command: { type: 'submit', ...input },
        meta,
      }),
    complete: (input: Omit<CompleteAnswer, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: conversationAggregate,
        id: input.conversationId,
        command: { type: 'complete', ...input },
        meta,
      }),
    changeSettings: (input: Omit<ChangeSettings, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({ type: settingsAggregate, id: 'family', command: { type: 'change', ...input }, meta }),
    /** The admins' system prompts: save (a new version), remove, the children's. */
    prompts: (command: PromptCommand, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({ type: promptsAggregate, id: 'family', command, meta }),
  };
}
