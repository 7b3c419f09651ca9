// Lineage for admins (stream.inspect): a read model's event-made tables, their rows paged by
// key (keys and sequences only, never a column that is a member's), and one row's last event,
// decoded as browsing decodes it, with the aggregate whose history it belongs to.
import type { JSONSchemaType } from 'ajv';
import { Hono } from 'hono';
import { commonErrors } from '../../contracts/errors.ts';
import type { LineageRows, LineageTables, RowLineage } from '../../contracts/inspect.api.ts';
import { aggregateTypes } from '../../projectors/log-keeper/registry.ts';
import {
  findRow,
  type LineageTable,
  pageRows,
  type ReadModelLineage,
} from '../../projectors/runtime/lineage.ts';
import { readEvents } from '../../writers/log/read-events.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { PERMISSIONS } from '../http/permissions.ts';
import { requirePermission } from '../http/session.ts';
import { queryParams, storable } from '../http/validate.ts';
import { aggregateOf } from './aggregate-link.ts';

const TABLE = { type: 'string', maxLength: 63, pattern: '^[a-z][a-z0-9_]*$' } as const;
// A JSON array of the key's values, as text.
const KEY = { type: 'string', minLength: 2, maxLength: 2048 } as const;

type RowsQuery = { table: string; after?: string };
const rowsQuery: JSONSchemaType<RowsQuery> = {
  type: 'object',
  properties: { table: TABLE, after: { ...KEY, nullable: true } },
  required: ['table'],
  additionalProperties: false,
};
type LineageQuery = { table: string; key: string };
const lineageQuery: JSONSchemaType<LineageQuery> = {
  type: 'object',
  properties: { table: TABLE, key: KEY },
  required: ['table', 'key'],
  additionalProperties: false,
};

/** A key as the query gives it: a JSON array of as many strings as the table has key columns. */
export function keyParam(value: string, spec: LineageTable, field: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === spec.key.length &&
    parsed.every((v) => typeof v === 'string' && v.length <= 256 && storable(v));
  if (!ok)
    throw commonErrors.invalidRequest(
      `${field} is a JSON array of ${spec.key.length} stored strings: ${spec.key.join(', ')}.`,
      {
        field,
      },
    );
  return parsed as string[];
}

export function lineageRoutes(deps: HubDeps): Hono<HubEnv> {
  const { auth, log, db, projectors } = deps;
  const app = new Hono<HubEnv>();
  const types = aggregateTypes(log.names);
  const gate = requirePermission(auth, PERMISSIONS.inspectStreams);

  const model = (name: string): ReadModelLineage => {
    const found = projectors.lineage().find((m) => m.name === name);
    if (!found) throw commonErrors.notFound(`No read model named ${name} keeps lineage.`);
    return found;
  };
  const tableOf = (m: ReadModelLineage, table: string): LineageTable => {
    const spec = Object.hasOwn(m.tables, table) ? m.tables[table] : undefined;
    if (!spec) throw commonErrors.notFound(`${m.name} has no table ${table} made by events.`);
    return spec;
  };
  const where = (m: ReadModelLineage) => ({ domain: m.domain, stream: log.names.stream(m.domain) });

  app.get('/admin/read-models/:name/tables', gate, (c) => {
    const m = model(c.req.param('name'));
    const answer: LineageTables = {
      readModel: m.name,
      ...where(m),
      tables: Object.entries(m.tables).map(([name, t]) => ({ name, key: [...t.key], seqColumn: t.seq })),
    };
    return c.json(answer);
  });

  app.get('/admin/read-models/:name/rows', gate, queryParams(rowsQuery), async (c) => {
    const m = model(c.req.param('name'));
    const q = c.req.valid('query');
    const spec = tableOf(m, q.table);
    const after = q.after === undefined ? undefined : keyParam(q.after, spec, 'after');
    const page = await pageRows({ db, schema: m.name, table: q.table, spec, after });
    const answer: LineageRows = {
      readModel: m.name,
      table: q.table,
      ...where(m),
      key: [...spec.key],
      seqColumn: spec.seq,
      rows: page.rows,
      next: page.next && JSON.stringify(page.next),
    };
    return c.json(answer);
  });

  app.get('/admin/read-models/:name/lineage', gate, queryParams(lineageQuery), async (c) => {
    const m = model(c.req.param('name'));
    const q = c.req.valid('query');
    const spec = tableOf(m, q.table);
    const key = keyParam(q.key, spec, 'key');
    const row = await findRow({ db, schema: m.name, table: q.table, spec, key });
    if (!row) throw commonErrors.notFound(`No row of ${m.name}.${q.table} has that key.`);
    const page =
      row.lastSeq > 0
        ? await readEvents({ log, domain: m.domain, afterSeq: row.lastSeq - 1, limit: 1 })
        : undefined;
    // The next event on, if the row's own has expired: not the row's.
    const event = page?.events[0]?.seq === row.lastSeq ? page.events[0] : null;
    const answer: RowLineage = {
      readModel: m.name,
      table: q.table,
      ...where(m),
      key: row.key,
      lastSeq: row.lastSeq,
      event,
      aggregate: event ? aggregateOf(types, event.subject) : null,
    };
    return c.json(answer);
  });

  return app;
}
