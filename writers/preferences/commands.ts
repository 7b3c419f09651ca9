// The preferences commands as the edge calls them.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { type ChangePreferences, preferencesAggregate } from './member.ts';

export type PreferencesWriter = ReturnType<typeof createPreferencesWriter>;

export function createPreferencesWriter({ appender }: { appender: Pick<Appender, 'append'> }) {
  return {
    change: (input: Omit<ChangePreferences, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: preferencesAggregate,
        id: input.memberId,
        command: { type: 'change', ...input },
        meta,
      }),
  };
}
