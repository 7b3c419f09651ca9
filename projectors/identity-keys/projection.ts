// The API keys an admin lists: name, scopes, expiry, whether revoked. Keys are rare, so each
// event is one small statement.
import type { Kysely } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261207 from './migrations/20261207T1000_keys.ts';
import type { KeysDB } from './tables.ts';

export const IDENTITY_KEYS = 'identity_keys';

export const identityKeysProjection: Projection<KeysDB, IdentityEvent> = {
  name: IDENTITY_KEYS,
  domain: 'identity',
  migrations: { '20261207T1000_keys': m20261207 },
  lineage: { keys: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<KeysDB>, e: StoredEvent<IdentityEvent>): Promise<void> {
  const { event } = e;
  switch (event.case) {
    case 'apiKeyIssued': {
      const v = event.value;
      await db
        .insertInto('keys')
        .values({
          id: v.keyId,
          name: v.name,
          scopes: JSON.stringify(v.scopes),
          expires_at: new Date(Number(v.expiresAtMs)),
          issued_by: v.issuedBy,
          issued_at: e.occurredAt,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'apiKeyRevoked':
      await db
        .updateTable('keys')
        .set({ revoked_by: event.value.revokedBy, revoked_at: e.occurredAt, last_seq: e.seq })
        .where('id', '=', event.value.keyId)
        .where('revoked_at', 'is', null)
        .execute();
      return;
    default:
      return;
  }
}
