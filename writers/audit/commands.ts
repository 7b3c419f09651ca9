// The audit writer, as the edge calls it: refused attempts (edge/audit/refusals.ts).
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { type KeyUseCommand, keyUseAggregate } from './key-use.ts';
import { type RefusalCommand, refusalAggregate } from './refusal.ts';

export type AuditWriter = ReturnType<typeof createAuditWriter>;

export function createAuditWriter({ appender }: { appender: Pick<Appender, 'append'> }) {
  return {
    /** One refused attempt, or a minute's run of them, on its own subject. */
    recordRefusal: (command: Omit<RefusalCommand, 'type'>, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: refusalAggregate,
        id: command.refusalId,
        command: { type: 'record', ...command },
        meta,
      }),
    /** One use of an API key, or a minute's run of them, on its own subject. */
    recordKeyUse: (command: KeyUseCommand, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({ type: keyUseAggregate, id: command.useId, command, meta }),
  };
}
