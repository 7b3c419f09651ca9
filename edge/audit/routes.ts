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
import { exportSlots, exportStream } from './export.ts';
import { decodeCursor, encodeCursor, entriesQuery, exportQuery, toFilter, toLimit } from './params.ts';
import { retention } from './retention.ts';

export function auditRoutes(
  deps: HubDeps,
  {
    exportIdleMs,
  }: { /** How long an export waits for its reader (tests shorten it). */ exportIdleMs?: number } = {},
): Hono<HubEnv> {
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

  const slots = exportSlots();
  app.get('/audit/export', canRead, queryParams(exportQuery), async (c) => {
    const query = c.req.valid('query');
    const csv = query.format === 'csv';
    const filter = toFilter(query);
    const day = new Date().toISOString().slice(0, 10);
    const headers = {
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="hearth-audit-${day}.${query.format}"`,
      'Cache-Control': 'no-store',
    };
    // Hono answers HEAD with the GET handler and drops the body: no cursor for nobody to read.
    if (c.req.method === 'HEAD') return new Response(null, { headers });
    const body = await exportStream({
      db,
      pool,
      filter,
      header: csv ? csvHeader : '',
      line: csv ? csvLine : jsonLine,
      logger: requestLogger(c),
      onEnd: slots.take(),
      ...(exportIdleMs === undefined ? {} : { idleMs: exportIdleMs }),
    });
    return new Response(body, { headers });
  });

  app.get('/audit/retention', canRead, async (c) => c.json(await retention(log, db)));

  return app;
}
