import type { Kysely, Selectable } from 'kysely';
import { type AdminApiKey, isScope } from '../../contracts/integrators.api.ts';
import type { KeyRow, KeysDB } from './tables.ts';

const toEntry = (r: Selectable<KeyRow>, now: Date): AdminApiKey => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes.filter(isScope),
  status: r.revoked_at ? 'revoked' : r.expires_at.getTime() <= now.getTime() ? 'expired' : 'active',
  expiresAt: r.expires_at.toISOString(),
  issuedBy: r.issued_by,
  issuedAt: r.issued_at.toISOString(),
  revokedBy: r.revoked_by,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Newest first. */
export async function listKeys(db: Kysely<unknown>, now = new Date()): Promise<AdminApiKey[]> {
  const rows = await (db as Kysely<KeysDB>)
    .withSchema('identity_keys')
    .selectFrom('keys')
    .selectAll()
    .orderBy('issued_at', 'desc')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map((r) => toEntry(r, now));
}
