// The operators' API: read models (status, rebuild) and dead letters. The streams themselves
// (the audit log) are inspected in inspect.routes.ts.

import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams } from '../http/validate.ts';
import { rebuildRoutes } from './rebuild.routes.ts';

type DeadLetterQuery = { read_model?: string; status?: 'parked' | 'retried' | 'skipped'; limit?: string };
const deadLetterQuery: JSONSchemaType<DeadLetterQuery> = {
  type: 'object',
  properties: {
    read_model: { type: 'string', nullable: true, maxLength: 64 },
    status: { type: 'string', nullable: true, enum: ['parked', 'retried', 'skipped'] },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,4}$' },
  },
  additionalProperties: false,
};

export function adminRoutes(deps: HubDeps): Hono<HubEnv> {
  const { auth, projectors } = deps;
  const app = new Hono<HubEnv>();

  app.get('/admin/read-models', requirePermission(auth, PERMISSIONS.readReadModels), async (c) =>
    c.json(await projectors.status()),
  );

  app.route('/', rebuildRoutes(deps));

  app.get(
    '/admin/dead-letters',
    requirePermission(auth, PERMISSIONS.readDeadLetters),
    queryParams(deadLetterQuery),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await projectors.deadLetters.list({
          ...(q.read_model ? { readModel: q.read_model } : {}),
          ...(q.status ? { status: q.status } : {}),
          limit: Math.min(Number(q.limit ?? 100), 1000),
        }),
      );
    },
  );

  for (const action of ['retry', 'skip'] as const) {
    app.post(
      `/admin/dead-letters/:id/${action}`,
      requirePermission(auth, PERMISSIONS.resolveDeadLetters),
      async (c) =>
        c.json(await projectors.deadLetters.resolve({ id: c.req.param('id'), action, by: c.get('user').id })),
    );
  }

  return app;
}
