// The hash chain's routes: the public key, verify, and a checkpoint of every stream now.
import { Hono } from 'hono';
import type { AuditCheckpointResult } from '../../contracts/audit.api.ts';
import { verifyBody } from '../../contracts/audit-chain.schema.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { AUDIT_PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { jsonBody } from '../http/validate.ts';
import type { AuditChain } from './chain.ts';

export function auditChainRoutes(deps: HubDeps, chain: AuditChain): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  app.get('/audit/public-key', requirePermission(deps.auth, AUDIT_PERMISSIONS.read), (c) =>
    c.json(chain.publicKey()),
  );
  app.post(
    '/audit/verify',
    requirePermission(deps.auth, AUDIT_PERMISSIONS.read),
    jsonBody(verifyBody, { nullIsAbsent: true }),
    async (c) => {
      const { stream, from_seq } = c.req.valid('json');
      return c.json(await chain.verify({ stream, fromSeq: from_seq }));
    },
  );
  app.post('/audit/checkpoints', requirePermission(deps.auth, AUDIT_PERMISSIONS.checkpoint), async (c) => {
    const result: AuditCheckpointResult = { checkpoints: await chain.checkpointAll() };
    return c.json(result);
  });
  return app;
}
