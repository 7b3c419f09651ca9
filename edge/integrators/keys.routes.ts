// The admin's API keys under /api/v1/admin/keys: issue one (the answer is the only place the
// key appears), list them, revoke one. Issuing and revoking are events on IDENTITY.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Accepted } from '../../contracts/identity.api.ts';
import type { AdminApiKey, ApiKeyMade } from '../../contracts/integrators.api.ts';
import { issueKeyBody } from '../../contracts/integrators.schema.ts';
import { IDENTITY_KEYS } from '../../projectors/identity-keys/projection.ts';
import { listKeys } from '../../projectors/identity-keys/queries.ts';
import { newApiKey } from '../../writers/identity/api-key.ts';
import type { IdentityWriter } from '../../writers/identity/commands.ts';
import { identityErrors } from '../../writers/identity/errors.ts';
import { commandMeta } from '../http/command.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { readAfter } from '../http/read-after.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';

const DAY_MS = 86_400_000;
const ID = /^[A-Za-z0-9]{16}$/;

export function keyRoutes({ deps, writer }: { deps: HubDeps; writer: IdentityWriter }): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();
  const manage = requirePermission(auth, PERMISSIONS.manageIntegrations);

  app.get('/admin/keys', manage, readAfter(projectors, IDENTITY_KEYS), async (c) =>
    c.json((await listKeys(deps.db)) satisfies AdminApiKey[]),
  );

  app.post('/admin/keys', manage, jsonBody(issueKeyBody), async (c) => {
    const body = c.req.valid('json');
    // A new random key each time, shown once: a retry is another key, never the first one's
    // answer (which would mean keeping the key), so an Idempotency-Key is not honoured here.
    const meta = { ...commandMeta(c), commandId: randomUUID(), retryable: false, fingerprint: undefined };
    const { keyId, secretHash, key } = newApiKey();
    const expiresAt = new Date(meta.now.getTime() + (body.expiresInDays ?? 90) * DAY_MS);
    const result = await writer.issueApiKey(
      { keyId, name: body.name, scopes: body.scopes, expiresAt, secretHash },
      meta,
    );
    return c.json(
      { id: keyId, key, expiresAt: expiresAt.toISOString(), seq: result.seq } satisfies ApiKeyMade,
      201,
      { 'Cache-Control': 'no-store' },
    );
  });

  app.post('/admin/keys/:id/revoke', manage, async (c) => {
    const keyId = c.req.param('id');
    if (!ID.test(keyId)) throw identityErrors.apiKeyNotFound();
    const result = await writer.revokeApiKey({ keyId }, commandMeta(c));
    return c.json({ seq: result.seq } satisfies Accepted);
  });

  return app;
}
