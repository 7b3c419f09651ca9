import type { Kysely, Selectable } from 'kysely';
import type { AdminInvite } from '../../contracts/identity.api.ts';
import type { InviteRow, InvitesDB } from './tables.ts';

export type InviteEntry = AdminInvite;
export type InviteStatus = AdminInvite['status'];

/** What the invite would answer a sign-up at `now`, in the decider's order of refusals. */
export function statusOf(r: Selectable<InviteRow>, now: Date): InviteStatus {
  if (r.revoked_at) return 'revoked';
  if (r.uses >= r.max_uses) return 'used_up';
  if (r.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const toEntry = (r: Selectable<InviteRow>, now: Date): InviteEntry => ({
  id: r.id,
  role: r.role,
  status: statusOf(r, now),
  expiresAt: r.expires_at.toISOString(),
  maxUses: r.max_uses,
  uses: r.uses,
  usedBy: r.used_by,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedBy: r.revoked_by,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Newest first. */
export async function listInvites(db: Kysely<unknown>, now = new Date()): Promise<InviteEntry[]> {
  const rows = await (db as Kysely<InvitesDB>)
    .withSchema('identity_invites')
    .selectFrom('invites')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => toEntry(r, now));
}
