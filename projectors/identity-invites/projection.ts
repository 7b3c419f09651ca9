// The invites an admin lists: what each was made for, how far it was used, whether it was
// withdrawn. Invites are rare, so each event is one small statement.
import { type Kysely, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261201 from './migrations/20261201T1000_invites.ts';
import type { InvitesDB } from './tables.ts';

export const IDENTITY_INVITES = 'identity_invites';

export const identityInvitesProjection: Projection<InvitesDB, IdentityEvent> = {
  name: IDENTITY_INVITES,
  domain: 'identity',
  migrations: { '20261201T1000_invites': m20261201 },
  lineage: { invites: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<InvitesDB>, e: StoredEvent<IdentityEvent>): Promise<void> {
  const { event } = e;
  switch (event.case) {
    case 'inviteCreated': {
      const v = event.value;
      await db
        .insertInto('invites')
        .values({
          id: v.inviteId,
          role: v.role,
          expires_at: new Date(Number(v.expiresAtMs)),
          max_uses: v.maxUses,
          uses: 0,
          used_by: '[]',
          created_by: v.createdBy,
          created_at: e.occurredAt,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'inviteUsed': {
      const v = event.value;
      await db
        .updateTable('invites')
        .set((eb) => ({
          uses: eb('uses', '+', 1),
          used_by: sql<string>`used_by || ${JSON.stringify([v.userId])}::jsonb`,
          last_used_at: e.occurredAt,
          last_seq: e.seq,
        }))
        .where('id', '=', v.inviteId)
        .execute();
      return;
    }
    case 'inviteRevoked':
      await db
        .updateTable('invites')
        .set({ revoked_by: event.value.revokedBy, revoked_at: e.occurredAt, last_seq: e.seq })
        .where('id', '=', event.value.inviteId)
        .where('revoked_at', 'is', null)
        .execute();
      return;
    default:
      // Accounts and sessions are identity_users'.
      return;
  }
}
