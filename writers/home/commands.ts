// The home commands as the edge calls them.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { inboxAggregate } from './inbox.ts';

export type HomeWriter = ReturnType<typeof createHomeWriter>;

export function createHomeWriter({ appender }: { appender: Appender }) {
  return {
    markAllRead: (memberId: string, meta: CommandMeta): Promise<AppendResult> =>
      appender.append({
        type: inboxAggregate,
        id: memberId,
        command: { type: 'read_all', memberId, now: meta.now },
        meta,
      }),
    markRead: (
      input: { memberId: string; notificationId: string },
      meta: CommandMeta,
    ): Promise<AppendResult> =>
      appender.append({
        type: inboxAggregate,
        id: input.memberId,
        command: { type: 'read_one', ...input },
        meta,
      }),
    changeSettings: (
      input: { memberId: string; mutedKinds: string[] },
      meta: CommandMeta,
    ): Promise<AppendResult> =>
      appender.append({
        type: inboxAggregate,
        id: input.memberId,
        command: { type: 'settings', ...input },
        meta,
      }),
  };
}
