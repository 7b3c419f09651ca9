// The operators' API: read models (status, rebuild), dead letters, and the streams
// themselves, which are the audit log.

import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import { readEvents } from '../../writers/log/read-events.ts';
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

type EventsQuery = { after_seq?: string; limit?: string; subject?: string };
const eventsQuery: JSONSchemaType<EventsQuery> = {
  type: 'object',
  properties: {
    after_seq: { type: 'string', nullable: true, pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,3}$' },
    subject: { type: 'string', nullable: true, maxLength: 256, pattern: '^[A-Za-z0-9_.*>-]+$' },
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

  app.get('/admin/streams', requirePermission(auth, PERMISSIONS.readStreams), async (c) => {
    const out = [];
    for (const domain of DOMAINS) {
      const stream = deps.log.names.stream(domain);
      const info = await deps.log.link
        .reach(() => deps.log.jsm.streams.info(stream))
        .catch((err: unknown) => {
          throw toUnavailable(err);
        });
      out.push({
        domain,
        stream: info.config.name,
        subjects: info.config.subjects,
        messages: info.state.messages,
        bytes: info.state.bytes,
        firstSeq: info.state.first_seq,
        lastSeq: info.state.last_seq,
        firstTime: info.state.first_ts,
        lastTime: info.state.last_ts,
        maxAgeDays: Math.round(info.config.max_age / 86_400e9),
      });
    }
    return c.json(out);
  });

  app.get(
    '/admin/streams/:domain/events',
    requirePermission(auth, PERMISSIONS.readStreams),
    queryParams(eventsQuery),
    async (c) => {
      const domain = c.req.param('domain');
      if (!(DOMAINS as readonly string[]).includes(domain))
        throw commonErrors.notFound(`No stream for domain ${domain}.`);
      const q = c.req.valid('query');
      return c.json(
        await readEvents({
          log: deps.log,
          domain: domain as Domain,
          afterSeq: Number(q.after_seq ?? 0),
          limit: Math.min(Math.max(Number(q.limit ?? 50), 1), 500),
          subject: q.subject,
        }),
      );
    },
  );

  return app;
}
