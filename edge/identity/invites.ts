// Invites as the edge uses them: sign-up reads one and takes a use (registration.ts), an admin
// or the CLI makes one and gets the link to share (invites.routes.ts, cli.ts).
import { randomUUID } from 'node:crypto';
import type { InviteMade } from '../../contracts/identity.api.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import type { Invite } from '../../writers/identity/invite.ts';
import { inviteIdOf } from '../../writers/identity/invite-token.ts';
import type { CommandMeta } from '../../writers/log/append.ts';

export type InviteBook = {
  /** The invite as last known (another process's latest write may not be seen yet). */
  find: (inviteId: string) => Promise<Invite>;
  /** Takes one use for a new account; throws the refusal when none is left. */
  use: (input: {
    inviteId: string;
    userId: string;
    /** Where the sign-up came from, as its event records it. */
    origin?: { clientIp: string; userAgent: string } | undefined;
  }) => Promise<void>;
};

/** A book with no invites in it: every link is unknown. */
export const NO_INVITES: InviteBook = {
  find: async () => ({ status: 'none' }),
  use: async () => {
    throw identityErrors.inviteNotFound();
  },
};

export function inviteBook(writer: Pick<IdentityWriter, 'invite' | 'useInvite'>): InviteBook {
  return {
    find: (inviteId) => writer.invite(inviteId),
    use: async ({ inviteId, userId, origin }) => {
      await writer.useInvite(
        { inviteId, userId },
        {
          // One use per account: a repeated attempt for the same account is the same command.
          commandId: `invite-use:${inviteId}:${userId}`,
          actorId: userId,
          correlationId: randomUUID(),
          now: new Date(),
          retryable: false,
          ...origin,
        },
      );
    },
  };
}

export const DEFAULT_INVITE_EXPIRY = '7d';
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** '30m', '12h', '7d' → milliseconds; undefined when it is not such a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The page a link opens: sign-up, with the token in the query (the server never logs it). */
export function inviteLink(baseURL: string, token: string): string {
  const url = new URL('/sign-up', baseURL);
  url.searchParams.set('invite', token);
  return url.toString();
}

/** Makes an invite; the answer holds the only copy of its link. */
export async function makeInvite({
  token,
  role,
  expiresInMs,
  maxUses,
  baseURL,
  meta,
  writer,
}: {
  token: string;
  role: string;
  expiresInMs: number;
  maxUses: number;
  baseURL: string;
  meta: CommandMeta;
  writer: Pick<IdentityWriter, 'createInvite' | 'invite'>;
}): Promise<{ invite: InviteMade; created: boolean }> {
  const inviteId = inviteIdOf(token);
  const expiresAt = new Date(meta.now.getTime() + expiresInMs);
  const result = await writer.createInvite({ inviteId, role, expiresAt, maxUses }, meta);
  // A retry answers with the invite the first attempt made, whatever its clock said.
  const made = await writer.invite(inviteId);
  const expires = made.status === 'created' ? new Date(made.expiresAtMs) : expiresAt;
  return {
    created: result.appended > 0 && !result.duplicate,
    invite: {
      id: inviteId,
      token,
      link: inviteLink(baseURL, token),
      role: made.status === 'created' ? made.role : role,
      expiresAt: expires.toISOString(),
      maxUses: made.status === 'created' ? made.maxUses : maxUses,
      seq: result.seq,
    },
  };
}
