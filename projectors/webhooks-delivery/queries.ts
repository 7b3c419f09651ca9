import { type Kysely, type Selectable, sql } from 'kysely';
import type { DeliveryStatus, WebhookDelivery } from '../../contracts/integrators.api.ts';
import { migrateSchema } from '../runtime/migrate.ts';
import * as m20261207 from './migrations/20261207T2000_deliveries.ts';
import { DELIVERY_SCHEMA, type DeliveryDB, type DeliveryRow } from './tables.ts';

export const migrateDeliveries = (db: Kysely<unknown>) =>
  migrateSchema({ db, schema: DELIVERY_SCHEMA, migrations: { '20261207T2000_deliveries': m20261207 } });

const toEntry = (r: Selectable<DeliveryRow>): WebhookDelivery => ({
  id: String(r.id),
  webhookId: r.webhook_id,
  eventId: `${r.stream}/${r.seq}`,
  subject: r.subject,
  type: r.type,
  status: r.status,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  nextAt: r.status === 'pending' ? r.next_at.toISOString() : null,
  deliveredAt: r.delivered_at?.toISOString() ?? null,
});

/** The newest deliveries (200 at most), of one webhook or status when asked. */
export async function listDeliveries(
  db: Kysely<unknown>,
  filter: { status?: DeliveryStatus | undefined; webhookId?: string | undefined },
): Promise<WebhookDelivery[]> {
  let q = (db as Kysely<DeliveryDB>).withSchema(DELIVERY_SCHEMA).selectFrom('deliveries').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.webhookId) q = q.where('webhook_id', '=', filter.webhookId);
  const rows = await q.orderBy('id', 'desc').limit(200).execute();
  return rows.map(toEntry);
}

/**
 * A dead delivery due again at once, for one more attempt (its attempts go on counting, its
 * last answer cleared): 'retried', 'removed' when its webhook was removed (nothing would be
 * sent), or 'none' when no dead one has that id.
 */
export async function retryDelivery(
  db: Kysely<unknown>,
  id: string,
): Promise<'retried' | 'removed' | 'none'> {
  const table = sql.table(`${DELIVERY_SCHEMA}.deliveries`);
  const { rows } = await sql<{ removed: boolean; retried: boolean }>`
    WITH dead AS (
      SELECT d.id, w.removed_at IS NOT NULL OR w.id IS NULL AS removed FROM ${table} d
      LEFT JOIN identity_webhooks.webhooks w ON w.id = d.webhook_id
      WHERE d.id = ${id} AND d.status = 'dead'),
    retried AS (
      UPDATE ${table} d SET status = 'pending', next_at = now(), last_error = NULL, last_status = NULL
      FROM dead WHERE d.id = dead.id AND NOT dead.removed AND d.status = 'dead' RETURNING d.id)
    SELECT dead.removed, EXISTS (SELECT 1 FROM retried) AS retried FROM dead`.execute(db);
  const row = rows[0];
  if (!row) return 'none';
  if (row.retried) return 'retried';
  return row.removed ? 'removed' : 'none';
}
