// The identity commands as the edge calls them: an admin's decisions about an account and its
// sessions, appended through the appender (OCC and idempotency live there). What better-auth
// records itself (registration, sign-ins, profile edits) reaches the log through its outbox.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { accountAggregate, sessionsAggregate } from './decide.ts';

export type IdentityWriter = ReturnType<typeof createIdentityWriter>;

export function createIdentityWriter({ appender }: { appender: Appender }) {
  const onAccount = (
    command:
      | { type: 'changeRole'; userId: string; role: string }
      | { type: 'ban'; userId: string; reason: string; expiresAt?: Date | undefined }
      | { type: 'unban'; userId: string },
    meta: CommandMeta,
  ): Promise<AppendResult> =>
    appender.append({
      type: accountAggregate,
      id: command.userId,
      command: { ...command, actorId: meta.actorId, now: meta.now },
      meta,
    });

  return {
    changeRole: (input: { userId: string; role: string }, meta: CommandMeta) =>
      onAccount({ type: 'changeRole', ...input }, meta),
    ban: (input: { userId: string; reason: string; expiresAt?: Date | undefined }, meta: CommandMeta) =>
      onAccount({ type: 'ban', ...input }, meta),
    unban: (input: { userId: string }, meta: CommandMeta) => onAccount({ type: 'unban', ...input }, meta),
    revokeSession: (input: { userId: string; sessionId: string; reason: string }, meta: CommandMeta) =>
      appender.append({
        type: sessionsAggregate,
        id: input.userId,
        command: { type: 'revokeSession', ...input },
        meta,
      }),
  };
}
