// Stream inspection for admins: the streams' figures, the consumers of read models and
// reactors with their last hour, events decoded from the log (by subject, seq or time), and
// one aggregate folded back to a sequence or a moment (time travel).
import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { AggregateAt, ConsumersAnswer, StreamFigures } from '../../contracts/inspect.api.ts';
import { DOMAINS, type Domain } from '../../contracts/subjects.ts';
import { aggregateTypes } from '../../projectors/log-keeper/registry.ts';
import { toUnavailable } from '../../writers/log/link.ts';
import { readEvents } from '../../writers/log/read-events.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams } from '../http/validate.ts';
import { type ConsumerHistory, consumerFigures } from './consumers.ts';
import { plain } from './plain.ts';

const SEQ = '^[0-9]{1,15}$';
// An ISO 8601 moment, e.g. 2026-12-06T18:00:00Z or with an offset; Date.parse decides the rest.
const TIME =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';
const ID = /^[A-Za-z0-9_-]{1,128}(:[A-Za-z0-9_-]{1,128})?$/;
const TYPE = /^[a-z][a-z-]{0,31}$/;
export const PAGE = 50;

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

function domainParam(value: string): Domain {
  if (!(DOMAINS as readonly string[]).includes(value))
    throw commonErrors.notFound(`No stream for domain ${value}.`);
  return value as Domain;
}

export function inspectRoutes(
  deps: HubDeps & { consumerHistory?: ConsumerHistory | undefined },
): Hono<HubEnv> {
  const { auth, log } = deps;
  const app = new Hono<HubEnv>();
  const types = new Map(aggregateTypes(log.names).map((t) => [t.name, t]));

  app.get('/admin/streams', requirePermission(auth, PERMISSIONS.readStreams), async (c) => {
    const out: StreamFigures[] = [];
    for (const domain of DOMAINS) {
      const stream = log.names.stream(domain);
      const info = await log.link
        .reach(() => log.jsm.streams.info(stream))
        .catch((err: unknown) => {
          throw toUnavailable(err);
        });
      out.push({
        domain,
        stream: info.config.name,
        subjects: info.config.subjects ?? [],
        messages: info.state.messages,
        bytes: info.state.bytes,
        firstSeq: info.state.first_seq,
        lastSeq: info.state.last_seq,
        firstTime: info.state.first_ts,
        lastTime: info.state.last_ts,
        numSubjects: info.state.num_subjects ?? 0,
        retention: String(info.config.retention),
        maxAgeDays: Math.round(info.config.max_age / 86_400e9),
      });
    }
    return c.json(out);
  });

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
      return c.json(
        await readEvents({
          log,
          domain,
          afterSeq,
          since: q.since === undefined ? undefined : moment(q.since, 'since'),
          limit: Math.min(Math.max(Number(q.limit ?? PAGE), 1), 500),
          subject: q.subject,
        }),
      );
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
      const domain = domainParam(c.req.param('domain'));
      const typeName = c.req.param('type');
      const type = TYPE.test(typeName) ? types.get(`${domain}.${typeName}`) : undefined;
      if (!type) throw commonErrors.notFound(`No aggregate type ${domain}.${typeName}.`);
      const id = c.req.param('id');
      if (!ID.test(id)) throw commonErrors.invalidRequest('That is no aggregate id.', { field: 'id' });
      const q = c.req.valid('query');
      if (q.at_seq !== undefined && q.at_time !== undefined)
        throw commonErrors.invalidRequest('Give at_seq or at_time, not both.', { field: 'at_time' });
      const subject = type.subject(id);
      const at = await type.travel(log, subject, {
        ...(q.at_seq !== undefined && { atSeq: Number(q.at_seq) }),
        ...(q.at_time !== undefined && { atTime: moment(q.at_time, 'at_time') }),
      });
      const history = await readEvents({
        log,
        domain,
        afterSeq: Number(q.history_after ?? 0),
        limit: PAGE,
        subject,
      });
      const answer: AggregateAt = {
        domain,
        type: typeName,
        id,
        subject,
        state: plain(at.state),
        version: at.version,
        folded: at.folded,
        withheld: at.withheld,
        erased: at.erased,
        fromSnapshot: at.fromSnapshot,
        history,
      };
      return c.json(answer);
    },
  );

  return app;
}
