// The webhooks_<domain> reactors: one per stream an integrator may read, each with its own
// checkpoint. For every event on a subject a webhook follows, a delivery row is written in the
// batch transaction that moves the checkpoint, so a redelivered batch or a restart writes none
// twice and loses none (the row is unique per webhook and event). The body is the event as the
// feed releases it to a "<domain>:read" key (writers/log/public-event.ts): personal fields
// sealed, client fields withheld, secrets and webhook URLs never. The delivery loop sends it.
// An event goes to the webhooks that existed when it occurred (registered at or before it, not
// removed before it), not to today's list: a reactor that lags, or rebuilds, sends none of
// what happened before a webhook was registered, and all of what happened before its removal
// (the delivery loop then drops those: nothing is sent to a removed webhook). The filters are
// the webhook's current ones.

import type { Kysely } from 'kysely';
import { FEED_DOMAINS, type FeedDomain } from '../../contracts/integrators.api.ts';
import { subjectMatches } from '../../contracts/subjects.ts';
import type { Log } from '../../writers/log/open.ts';
import { toPublicEvent } from '../../writers/log/public-event.ts';
import { IDENTITY_WEBHOOKS } from '../identity-webhooks/projection.ts';
import { heldAt, webhooksSince } from '../identity-webhooks/queries.ts';
import type { Reactor } from '../runtime/types.ts';
import { DELIVERY_SCHEMA, type DeliveryDB } from './tables.ts';

export const webhookReactorName = (domain: FeedDomain) => `webhooks_${domain}`;

export function webhookReactors({ log }: { log: Pick<Log, 'jsm' | 'names'> }): Reactor[] {
  return FEED_DOMAINS.map((domain) => webhookReactor({ log, domain }));
}

function webhookReactor({ log, domain }: { log: Pick<Log, 'jsm' | 'names'>; domain: FeedDomain }): Reactor {
  return {
    name: webhookReactorName(domain),
    domain,
    reads: [IDENTITY_WEBHOOKS],
    react: async (events, { db, logger }) => {
      if (events.length === 0) return;
      let earliest = Number.POSITIVE_INFINITY;
      for (const e of events) earliest = Math.min(earliest, e.occurredAt.getTime());
      const since = new Date(earliest);
      const hooks = await webhooksSince(db as Kysely<unknown>, since);
      if (hooks.length === 0) return;
      const stream = log.names.stream(domain);
      const rows = [];
      for (const e of events) {
        const to = hooks.filter(
          (h) => heldAt(h, e.occurredAt) && h.subjects.some((f) => subjectMatches(f, e.subject)),
        );
        if (to.length === 0) continue;
        // The stored bytes, as the feed renders them: the StoredEvent has its fields opened.
        const m = await log.jsm.direct.getMessage(stream, { seq: e.seq });
        if (!m) {
          // Gone from the stream (its retention, or erased): nothing to send.
          logger.warn(
            { stream, seq: e.seq, webhooks: to.map((h) => h.id) },
            'webhook event not on the stream',
          );
          continue;
        }
        const event = toPublicEvent({
          domain,
          stream,
          msg: { subject: m.subject, seq: e.seq, data: m.data, time: m.time },
          open: false,
        });
        const body = JSON.stringify(event);
        for (const h of to)
          rows.push({ webhook_id: h.id, stream, seq: e.seq, subject: e.subject, type: event.type, body });
      }
      if (rows.length === 0) return;
      await (db as Kysely<DeliveryDB>)
        .withSchema(DELIVERY_SCHEMA)
        .insertInto('deliveries')
        .values(rows)
        .onConflict((oc) => oc.constraint('deliveries_once').doNothing())
        .execute();
    },
  };
}
