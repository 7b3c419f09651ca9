// The webhooks an admin lists and the delivery loop posts to: name, subjects, the sealed URL
// and secret (as the log has them: the route and the delivery loop open them), whether removed. Webhooks are rare, so each event is one small statement.
import type { Kysely } from 'kysely';
import type { IdentityEvent } from '../../contracts/gen/hearth/identity/v1/events_pb.ts';
import type { Projection, StoredEvent } from '../runtime/types.ts';
import * as m20261207 from './migrations/20261207T2000_webhooks.ts';
import * as m20261207b from './migrations/20261207T2200_target_sealed.ts';
import type { WebhooksDB } from './tables.ts';

export const IDENTITY_WEBHOOKS = 'identity_webhooks';

export const identityWebhooksProjection: Projection<WebhooksDB, IdentityEvent> = {
  name: IDENTITY_WEBHOOKS,
  domain: 'identity',
  migrations: { '20261207T2000_webhooks': m20261207, '20261207T2200_target_sealed': m20261207b },
  lineage: { webhooks: { key: ['id'], seq: 'last_seq' } },
  apply: async (events, { db }) => {
    for (const e of events) await applyOne(db, e);
  },
};

async function applyOne(db: Kysely<WebhooksDB>, e: StoredEvent<IdentityEvent>): Promise<void> {
  const { event } = e;
  switch (event.case) {
    case 'webhookRegistered': {
      const v = event.value;
      await db
        .insertInto('webhooks')
        .values({
          id: v.webhookId,
          name: v.name,
          url: v.targetUrl,
          target_sealed: v.targetSealed,
          subjects: JSON.stringify(v.subjects),
          secret_sealed: v.secretSealed,
          registered_by: v.registeredBy,
          registered_at: e.occurredAt,
          last_seq: e.seq,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return;
    }
    case 'webhookChanged': {
      const v = event.value;
      await db
        .updateTable('webhooks')
        .set({
          name: v.name,
          subjects: JSON.stringify(v.subjects),
          ...(v.targetSealed.length > 0 && { target_sealed: v.targetSealed, url: '' }),
          ...(v.secretSealed.length > 0 && { secret_sealed: v.secretSealed }),
          changed_at: e.occurredAt,
          last_seq: e.seq,
        })
        .where('id', '=', v.webhookId)
        .execute();
      return;
    }
    case 'webhookRemoved':
      await db
        .updateTable('webhooks')
        .set({ removed_at: e.occurredAt, last_seq: e.seq })
        .where('id', '=', event.value.webhookId)
        .where('removed_at', 'is', null)
        .execute();
      return;
    default:
      return;
  }
}
