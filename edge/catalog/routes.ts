// GET /api/v1/catalog: the log's shapes for integrators (contracts/catalog.ts) and the audit
// chain's public key. Any signed-in member may read it: it holds no data, only the schemas the
// source code already publishes and a public key; signed-out callers learn nothing of the hub.
import { Hono } from 'hono';
import type { Catalog, CatalogResponse } from '../../contracts/catalog.api.ts';
import { buildCatalog } from '../../contracts/catalog.ts';
import type { AuditChain } from '../audit/chain.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';

export function catalogRoutes(
  deps: Pick<HubDeps, 'log'>,
  chain: Pick<AuditChain, 'publicKey'>,
): Hono<HubEnv> {
  const app = new Hono<HubEnv>();
  // The descriptors do not change while the process runs: built once, on first ask.
  let catalog: Catalog | undefined;
  app.get('/catalog', (c) => {
    catalog ??= buildCatalog({ names: deps.log.names, retentionMs: deps.log.retentionMs });
    const body: CatalogResponse = { ...catalog, audit_public_key: chain.publicKey() };
    return c.json(body);
  });
  return app;
}
