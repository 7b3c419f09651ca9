// The secret in an invite link and what the log keeps of it. The token is 256 bits, random,
// or derived from the command's id under the hub's secret when the request can be retried
// (an Idempotency-Key): the retry then answers with the same link. The log holds only the
// token's SHA-256, the invite's id.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** base64url of 32 bytes. */
export const INVITE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newInviteToken(): string {
  return randomBytes(32).toString('base64url');
}

export function derivedInviteToken({ secret, commandId }: { secret: string; commandId: string }): string {
  return createHmac('sha256', secret).update(`hearth.invite\n${commandId}`).digest('base64url');
}

export function inviteIdOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
