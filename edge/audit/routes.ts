// The audit viewer's API: the entries (filtered, paged), their export, and the retention.
// Admins only (audit.read), like everything under /audit.
import { Hono } from 'hono';
import type { AuditPage } from '../../contracts/audit.api.ts';
import { auditPage } from '../../projectors/audit-log/queries.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { AUDIT_PERMISSIONS } from '../http/permissions.ts';
import { requestLogger } from '../http/request-id.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams } from '../http/validate.ts';
import { csvHeader, csvLine, jsonLine } from './csv.ts';
import { exportStream } from './export.ts';
import { decodeCursor, encodeCursor, entriesQuery, exportQuery, toFilter, toLimit } from './params.ts';
import { retention } from './retention.ts';

export function auditRoutes(deps: HubDeps): Hono<HubEnv> {
  const { auth, db, pool, log } = deps;
  const app = new Hono<HubEnv>();
  const canRead = requirePermission(auth, AUDIT_PERMISSIONS.read);

  app.get('/audit/entries', canRead, queryParams(entriesQuery), async (c) => {
    const query = c.req.valid('query');
    const filter = toFilter(query);
    const limit = toLimit(query.limit);
    const before = query.before === undefined ? undefined : decodeCursor(query.before);
    const page = await auditPage(db, { filter, before, limit });
    const body: AuditPage = { entries: page.entries, next: page.next ? encodeCursor(page.next) : null };
    return c.json(body);
  });

  app.get('/audit/export', canRead, queryParams(exportQuery), async (c) => {
    const query = c.req.valid('query');
    const csv = query.format === 'csv';
    const body = await exportStream({
      db,
      pool,
      filter: toFilter(query),
      header: csv ? csvHeader : '',
      line: csv ? csvLine : jsonLine,
      logger: requestLogger(c),
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="hearth-audit-${day}.${query.format}"`,
        'Cache-Control': 'no-store',
      },
    });
  });

  app.get('/audit/retention', canRead, async (c) => c.json(await retention(log)));

  return app;
}
