// The admin's webhooks under /api/v1/admin/webhooks: register one (the secret the hub made, if
// it made it, appears only in this answer), change, remove, list them; their recent deliveries
// and dead letters, and a dead one sent again. Registering, changing and removing are events on
// IDENTITY; deliveries are the delivery loop's rows (projectors/webhooks-delivery).
import { randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Accepted } from '../../contracts/identity.api.ts';
import type { AdminWebhook, WebhookDelivery, WebhookMade } from '../../contracts/integrators.api.ts';
import { deliveriesQuery, type WebhookBody, webhookBody } from '../../contracts/integrators.schema.ts';
import type { Names } from '../../contracts/subjects.ts';
import { IDENTITY_WEBHOOKS } from '../../projectors/identity-webhooks/projection.ts';
import { listWebhooks, webhookTarget } from '../../projectors/identity-webhooks/queries.ts';
import { listDeliveries, retryDelivery } from '../../projectors/webhooks-delivery/queries.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import { newWebhookSecret, type WebhookSealer } from '../../writers/identity/webhook-secret.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { integratorErrors } from './errors.ts';
import { parseSubjects } from './subjects.ts';

const ID = /^[A-Za-z0-9]{16}$/;
const DELIVERY_ID = /^[0-9]{1,18}$/;

export function webhookRoutes({
  deps,
  writer,
  sealer,
}: {
  deps: HubDeps;
  writer: IdentityWriter;
  sealer: WebhookSealer;
}): Hono<HubEnv> {
  const { auth, projectors, log } = deps;
  const app = new Hono<HubEnv>();
  const manage = requirePermission(auth, PERMISSIONS.manageIntegrations);

  app.get('/admin/webhooks', manage, readAfter(projectors, IDENTITY_WEBHOOKS), async (c) =>
    c.json((await listWebhooks(deps.db, sealer.open)) satisfies AdminWebhook[]),
  );

  app.get('/admin/webhooks/deliveries', manage, queryParams(deliveriesQuery), async (c) => {
    const q = c.req.valid('query');
    const status = q.status as WebhookDelivery['status'] | undefined;
    return c.json(
      (await listDeliveries(deps.db, { status, webhookId: q.webhook })) satisfies WebhookDelivery[],
    );
  });

  app.post('/admin/webhooks/deliveries/:id/retry', manage, async (c) => {
    const id = c.req.param('id');
    const done = DELIVERY_ID.test(id) ? await retryDelivery(deps.db, id) : 'none';
    if (done === 'removed') throw identityErrors.webhookRemoved();
    if (done === 'none') throw integratorErrors.deliveryNotFound();
    return c.json({ retried: true });
  });

  app.post('/admin/webhooks', manage, jsonBody(webhookBody, { nullIsAbsent: true }), async (c) => {
    const body = checked(log.names, c.req.valid('json'));
    // A secret the hub makes is shown once: a retry makes another webhook, never the first
    // one's answer, so an Idempotency-Key is not honoured here.
    const meta = { ...commandMeta(c), commandId: randomUUID(), retryable: false, fingerprint: undefined };
    const secret = body.secret ?? newWebhookSecret();
    const webhookId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
    const result = await writer.registerWebhook(
      {
        webhookId,
        name: body.name,
        subjects: body.subjects,
        // The URL (perhaps carrying a token) never goes on the log in the clear.
        targetSealed: sealer.seal(body.url),
        secretSealed: sealer.seal(secret),
      },
      meta,
    );
    const made: WebhookMade = {
      id: webhookId,
      seq: result.seq,
      ...(body.secret === undefined && { secret }),
    };
    return c.json(made, 201, { 'Cache-Control': 'no-store' });
  });

  app.put('/admin/webhooks/:id', manage, jsonBody(webhookBody, { nullIsAbsent: true }), async (c) => {
    const webhookId = c.req.param('id');
    if (!ID.test(webhookId)) throw identityErrors.webhookNotFound();
    const body = checked(log.names, c.req.valid('json'));
    // A sealed URL differs each time: sent only when it changed (or is not known here yet).
    const current = await webhookTarget(deps.db, webhookId, sealer.open);
    const result = await writer.changeWebhook(
      {
        webhookId,
        name: body.name,
        subjects: body.subjects,
        ...(current !== body.url && { targetSealed: sealer.seal(body.url) }),
        ...(body.secret !== undefined && { secretSealed: sealer.seal(body.secret) }),
      },
      commandMeta(c, { ...body, secret: undefined }),
    );
    return c.json({ seq: result.seq } satisfies Accepted);
  });

  app.post('/admin/webhooks/:id/remove', manage, async (c) => {
    const webhookId = c.req.param('id');
    if (!ID.test(webhookId)) throw identityErrors.webhookNotFound();
    const result = await writer.removeWebhook({ webhookId }, commandMeta(c));
    return c.json({ seq: result.seq } satisfies Accepted);
  });

  return app;
}

/** The body, once its URL is http(s) and each subject a filter of a domain integrators read. */
function checked(names: Names, body: WebhookBody): WebhookBody {
  let url: URL;
  try {
    url = new URL(body.url);
  } catch {
    throw integratorErrors.webhookUrlInvalid();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw integratorErrors.webhookUrlInvalid();
  // Credentials in a URL: fetch refuses them, and they would be kept and shown. Use the secret.
  if (url.username !== '' || url.password !== '') throw integratorErrors.webhookUrlInvalid();
  // Each item is one filter: a comma would pass the feed's parser but match nothing.
  for (const filter of body.subjects) {
    if (filter.includes(',')) throw integratorErrors.webhookSubjectInvalid();
    parseSubjects(names, filter);
  }
  return body;
}
