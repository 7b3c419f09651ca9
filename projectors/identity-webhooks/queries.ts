import type { Kysely, Selectable } from 'kysely';
import type { AdminWebhook } from '../../contracts/integrators.api.ts';
import type { WebhookRow, WebhooksDB } from './tables.ts';

const toEntry = (r: Selectable<WebhookRow>): AdminWebhook => ({
  id: r.id,
  name: r.name,
  url: r.url,
  subjects: r.subjects,
  status: r.removed_at ? 'removed' : 'active',
  registeredBy: r.registered_by,
  registeredAt: r.registered_at.toISOString(),
  changedAt: r.changed_at?.toISOString() ?? null,
  removedAt: r.removed_at?.toISOString() ?? null,
});

/** Newest first, never the secret. */
export async function listWebhooks(db: Kysely<unknown>): Promise<AdminWebhook[]> {
  const rows = await (db as Kysely<WebhooksDB>)
    .withSchema('identity_webhooks')
    .selectFrom('webhooks')
    .selectAll()
    .orderBy('registered_at', 'desc')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(toEntry);
}

/** The webhooks still registered, with the filters each follows. */
export async function activeWebhooks(db: Kysely<unknown>): Promise<{ id: string; subjects: string[] }[]> {
  return (db as Kysely<WebhooksDB>)
    .withSchema('identity_webhooks')
    .selectFrom('webhooks')
    .select(['id', 'subjects'])
    .where('removed_at', 'is', null)
    .execute();
}
