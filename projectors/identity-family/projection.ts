// The family's settings as admins set them: its name and sign-up policy. Rare events, one
// small upsert each, on the one row.
import { type Kysely, sql } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261206 from './migrations/20261206T2350_family.ts';
import type { FamilyDB, FamilyRow } from './tables.ts';

export const IDENTITY_FAMILY = 'identity_family';
const ID = 'family';

export const identityFamilyProjection: Projection<FamilyDB, IdentityEvent> = {
  name: IDENTITY_FAMILY,
  domain: 'identity',
  migrations: { '20261206T2350_family': m20261206 },
  lineage: { family: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

type Change = Partial<Pick<FamilyRow, 'name' | 'sign_up_mode'>> & { email_domains?: string };

async function applyOne(db: Kysely<FamilyDB>, e: StoredEvent<IdentityEvent>): Promise<void> {
  const { event } = e;
  let change: Change;
  switch (event.case) {
    case 'familyNamed':
      change = { name: event.value.name };
      break;
    case 'signUpPolicySet':
      change = { sign_up_mode: event.value.mode, email_domains: JSON.stringify(event.value.emailDomains) };
      break;
    default:
      // Accounts, sessions and invites are other read models'.
      return;
  }
  const at = { updated_at: e.occurredAt, last_seq: e.seq };
  await db
    .insertInto('family')
    .values({ id: ID, ...change, ...at })
    // A redelivered event at or below the row's last one changes nothing.
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ ...change, ...at })
        .where('family.last_seq', '<', sql<string>`${e.seq}`),
    )
    .execute();
}
