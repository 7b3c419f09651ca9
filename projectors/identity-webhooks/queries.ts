import type { Kysely, Selectable } from 'kysely';
import type { AdminWebhook } from '../../contracts/integrators.api.ts';
import type { WebhookRow, WebhooksDB } from './tables.ts';

/** A sealed URL opened (the route's and the delivery loop's sealer), or the clear one of old. */
export type OpenUrl = (box: Uint8Array) => string | undefined;
export const webhookUrl = (r: { url: string; target_sealed: Uint8Array | null }, open: OpenUrl): string =>
  r.target_sealed && r.target_sealed.length > 0 ? (open(r.target_sealed) ?? '') : r.url;

const toEntry = (r: Selectable<WebhookRow>, open: OpenUrl): AdminWebhook => ({
  id: r.id,
  name: r.name,
  url: webhookUrl(r, open),
  subjects: r.subjects,
  status: r.removed_at ? 'removed' : 'active',
  registeredBy: r.registered_by,
  registeredAt: r.registered_at.toISOString(),
  changedAt: r.changed_at?.toISOString() ?? null,
  removedAt: r.removed_at?.toISOString() ?? null,
});

/** Newest first, the URL opened, never the secret. */
export async function listWebhooks(db: Kysely<unknown>, open: OpenUrl): Promise<AdminWebhook[]> {
  const rows = await (db as Kysely<WebhooksDB>)
    .withSchema('identity_webhooks')
    .selectFrom('webhooks')
    .selectAll()
    .orderBy('registered_at', 'desc')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map((r) => toEntry(r, open));
}

export type WebhookSpan = { id: string; subjects: string[]; registered_at: Date; removed_at: Date | null };

/** The webhooks registered at some time since `since` (removed or not), with their filters. */
export async function webhooksSince(db: Kysely<unknown>, since: Date): Promise<WebhookSpan[]> {
  return (db as Kysely<WebhooksDB>)
    .withSchema('identity_webhooks')
    .selectFrom('webhooks')
    .select(['id', 'subjects', 'registered_at', 'removed_at'])
    .where((eb) => eb.or([eb('removed_at', 'is', null), eb('removed_at', '>', since)]))
    .execute();
}

/** Did the event occur while the webhook existed: on or after its registration, before its removal? */
export const heldAt = (h: WebhookSpan, at: Date): boolean =>
  at >= h.registered_at && (h.removed_at === null || at < h.removed_at);

/** One webhook's URL as it now is, opened; undefined when not (yet) listed. */
export async function webhookTarget(
  db: Kysely<unknown>,
  id: string,
  open: OpenUrl,
): Promise<string | undefined> {
  const row = await (db as Kysely<WebhooksDB>)
    .withSchema('identity_webhooks')
    .selectFrom('webhooks')
    .select(['url', 'target_sealed'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? webhookUrl(row, open) : undefined;
}
