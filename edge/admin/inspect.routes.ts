// Stream inspection for admins: the streams' figures, the consumers of read models and
// reactors with their last hour, events decoded from the log (by subject, seq or time), and
// one aggregate folded back to a sequence or a moment (time travel).
import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { ConsumersAnswer } from '../../contracts/inspect.api.ts';
import { aggregateTypes } from '../../projectors/log-keeper/registry.ts';
import { readEvents } from '../../writers/log/read-events.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams } from '../http/validate.ts';
import { aggregateOf } from './aggregate-link.ts';
import { consumerFigures } from './consumers.ts';
import { streamFigures } from './streams.ts';
import { aggregateAt, domainParam, PAGE } from './travel.ts';

const SEQ = '^[0-9]{1,15}$';
// An ISO 8601 moment, e.g. 2026-12-06T18:00:00Z or with an offset; Date.parse decides the rest.
const TIME =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';
type EventsQuery = {
  after_seq?: string;
  from_seq?: string;
  since?: string;
  limit?: string;
  subject?: string;
};
const eventsQuery: JSONSchemaType<EventsQuery> = {
  type: 'object',
  properties: {
    after_seq: { type: 'string', nullable: true, pattern: SEQ },
    from_seq: { type: 'string', nullable: true, pattern: SEQ },
    since: { type: 'string', nullable: true, maxLength: 40, pattern: TIME },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,3}$' },
    subject: { type: 'string', nullable: true, maxLength: 256, pattern: '^[A-Za-z0-9_.*>:-]+$' },
  },
  additionalProperties: false,
};

type AggregateQuery = { at_seq?: string; at_time?: string; history_after?: string };
const aggregateQuery: JSONSchemaType<AggregateQuery> = {
  type: 'object',
  properties: {
    at_seq: { type: 'string', nullable: true, pattern: SEQ },
    at_time: { type: 'string', nullable: true, maxLength: 40, pattern: TIME },
    history_after: { type: 'string', nullable: true, pattern: SEQ },
  },
  additionalProperties: false,
};

function moment(value: string, field: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw commonErrors.invalidRequest(`${field} is no moment.`, { field });
  return at;
}

export function inspectRoutes(deps: HubDeps): Hono<HubEnv> {
  const { auth, log } = deps;
  const app = new Hono<HubEnv>();
  const types = new Map(aggregateTypes(log.names).map((t) => [t.name, t]));

  app.get('/admin/streams', requirePermission(auth, PERMISSIONS.readStreams), async (c) =>
    c.json(await streamFigures(log)),
  );

  app.get('/admin/consumers', requirePermission(auth, PERMISSIONS.readReadModels), async (c) => {
    const answer: ConsumersAnswer = {
      consumers: await consumerFigures({ log, projectors: deps.projectors }),
      history: deps.consumerHistory?.samples() ?? [],
      everySeconds: (deps.consumerHistory?.everyMs ?? 15_000) / 1000,
    };
    return c.json(answer);
  });

  app.get(
    '/admin/streams/:domain/events',
    requirePermission(auth, PERMISSIONS.inspectStreams),
    queryParams(eventsQuery),
    async (c) => {
      const domain = domainParam(c.req.param('domain'));
      const q = c.req.valid('query');
      if ([q.after_seq, q.from_seq, q.since].filter((v) => v !== undefined).length > 1)
        throw commonErrors.invalidRequest('Give one of after_seq, from_seq and since.', { field: 'since' });
      const afterSeq =
        q.from_seq !== undefined ? Math.max(Number(q.from_seq) - 1, 0) : Number(q.after_seq ?? 0);
      const page = await readEvents({
        log,
        domain,
        afterSeq,
        since: q.since === undefined ? undefined : moment(q.since, 'since'),
        limit: Math.min(Math.max(Number(q.limit ?? PAGE), 1), 500),
        subject: q.subject,
      });
      // Each event with the aggregate it belongs to, so the console links it to its history.
      const kinds = [...types.values()];
      for (const e of page.events) {
        const aggregate = aggregateOf(kinds, e.subject);
        if (aggregate) e.aggregate = aggregate;
      }
      return c.json(page);
    },
  );

  app.get('/admin/aggregates', requirePermission(auth, PERMISSIONS.inspectStreams), (c) =>
    c.json({ types: [...types.keys()] }),
  );

  app.get(
    '/admin/aggregates/:domain/:type/:id',
    requirePermission(auth, PERMISSIONS.inspectStreams),
    queryParams(aggregateQuery),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await aggregateAt({
          log,
          types,
          domain: c.req.param('domain'),
          type: c.req.param('type'),
          id: c.req.param('id'),
          atSeq: q.at_seq === undefined ? undefined : Number(q.at_seq),
          atTime: q.at_time === undefined ? undefined : moment(q.at_time, 'at_time'),
          historyAfter: Number(q.history_after ?? 0),
          signal: c.req.raw.signal,
        }),
      );
    },
  );

  return app;
}
