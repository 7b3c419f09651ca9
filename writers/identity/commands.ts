// The identity commands as the edge calls them: an admin's decisions about an account and its
// sessions, appended through the appender (OCC and idempotency live there). What better-auth
// records itself (registration, sign-ins, profile edits) reaches the log through its outbox.
// Invites are decided here too, sign-ups taking their uses included.
import type { Appender, AppendResult, CommandMeta } from '../log/append.ts';
import { apiKeyAggregate } from './api-key.ts';
import { accountAggregate, sessionsAggregate } from './decide.ts';
import { type Family, familyAggregate } from './family.ts';
import { type Invite, inviteAggregate } from './invite.ts';
import { webhookAggregate } from './webhook.ts';

export type IdentityWriter = ReturnType<typeof createIdentityWriter>;

export function createIdentityWriter({ appender }: { appender: Appender }) {
  const onAccount = (
    command:
      | { type: 'changeRole'; userId: string; role: string }
      | { type: 'ban'; userId: string; reason: string; expiresAt?: Date | undefined }
      | { type: 'unban'; userId: string }
      | { type: 'erase'; userId: string; requestedBy: string; requestedAtMs: number; otherAdmins: number },
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
    /** Erases a member's personal data on request (MemberErased); the member_erasure reactor does the rest. */
    erase: (
      input: { userId: string; requestedBy: string; requestedAtMs: number; otherAdmins: number },
      meta: CommandMeta,
    ) => onAccount({ type: 'erase', ...input }, meta),
    revokeSession: (input: { userId: string; sessionId: string; reason: string }, meta: CommandMeta) =>
      appender.append({
        type: sessionsAggregate,
        id: input.userId,
        command: { type: 'revokeSession', ...input },
        meta,
      }),
    createInvite: (
      input: { inviteId: string; role: string; expiresAt: Date; maxUses: number },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: inviteAggregate,
        id: input.inviteId,
        command: { type: 'createInvite', ...input, actorId: meta.actorId, now: meta.now },
        meta,
      }),
    /** Takes one use for the account just created; refused once none is left. */
    useInvite: (input: { inviteId: string; userId: string }, meta: CommandMeta) =>
      appender.append({
        type: inviteAggregate,
        id: input.inviteId,
        command: { type: 'useInvite', ...input, now: meta.now },
        meta,
      }),
    revokeInvite: (input: { inviteId: string }, meta: CommandMeta) =>
      appender.append({
        type: inviteAggregate,
        id: input.inviteId,
        command: { type: 'revokeInvite', ...input, actorId: meta.actorId, now: meta.now },
        meta,
      }),
    /** The family's name, its sign-up policy, or both: taken whole or refused whole. */
    changeFamily: (
      input: { name?: string | undefined; signUp?: { mode: string; domains: string[] } | undefined },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: familyAggregate,
        id: 'family',
        command: { type: 'changeFamily', ...input },
        meta,
      }),
    issueApiKey: (
      input: { keyId: string; name: string; scopes: string[]; expiresAt: Date; secretHash: Uint8Array },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: apiKeyAggregate,
        id: input.keyId,
        command: { type: 'issueKey', ...input, actorId: meta.actorId, now: meta.now },
        meta,
      }),
    revokeApiKey: (input: { keyId: string }, meta: CommandMeta) =>
      appender.append({
        type: apiKeyAggregate,
        id: input.keyId,
        command: { type: 'revokeKey', ...input, actorId: meta.actorId },
        meta,
      }),
    registerWebhook: (
      input: {
        webhookId: string;
        name: string;
        subjects: string[];
        targetSealed: Uint8Array;
        secretSealed: Uint8Array;
      },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: webhookAggregate,
        id: input.webhookId,
        command: { type: 'registerWebhook', ...input, actorId: meta.actorId },
        meta,
      }),
    changeWebhook: (
      input: {
        webhookId: string;
        name: string;
        subjects: string[];
        targetSealed?: Uint8Array | undefined;
        secretSealed?: Uint8Array | undefined;
      },
      meta: CommandMeta,
    ) =>
      appender.append({
        type: webhookAggregate,
        id: input.webhookId,
        command: { type: 'changeWebhook', ...input, actorId: meta.actorId },
        meta,
      }),
    removeWebhook: (input: { webhookId: string }, meta: CommandMeta) =>
      appender.append({
        type: webhookAggregate,
        id: input.webhookId,
        command: { type: 'removeWebhook', ...input, actorId: meta.actorId },
        meta,
      }),
    /** The family's name and sign-up policy as the log has them (null: never set). */
    family: async (): Promise<Family> => (await appender.load(familyAggregate, 'family')).state,
    /** The invite as its last known state (cached: it may trail another process's writes). */
    invite: async (inviteId: string): Promise<Invite> =>
      (await appender.load(inviteAggregate, inviteId)).state,
  };
}
