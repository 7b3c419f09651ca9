// The console's calls for stream inspection (edge/admin/inspect.routes.ts); shapes from
// contracts/inspect.api.ts.
import type {
  AggregateAt,
  AggregateTypes,
  ConsumersAnswer,
  EventsPage,
  LineageRows,
  LineageTables,
  RowLineage,
  StreamFigures,
} from '../../../contracts/inspect.api.ts';
import { api } from '../lib/http.ts';

const part = encodeURIComponent;

export const getStreams = () => api<StreamFigures[]>('/api/v1/admin/streams');
export const getConsumers = () => api<ConsumersAnswer>('/api/v1/admin/consumers');
export const getAggregateTypes = () => api<AggregateTypes>('/api/v1/admin/aggregates');

export type BrowseFilter = { domain: string; subject?: string; fromSeq?: string; since?: string };

export const getEvents = (f: BrowseFilter, afterSeq?: number) => {
  const q = new URLSearchParams();
  if (f.subject) q.set('subject', f.subject);
  if (afterSeq !== undefined) q.set('after_seq', String(afterSeq));
  else if (f.fromSeq) q.set('from_seq', f.fromSeq);
  else if (f.since) q.set('since', new Date(f.since).toISOString());
  const query = q.toString();
  return api<EventsPage>(`/api/v1/admin/streams/${part(f.domain)}/events${query ? `?${query}` : ''}`);
};

export type AggregateRef = { domain: string; type: string; id: string; atSeq?: string | undefined };

export const getAggregate = (a: AggregateRef, historyAfter?: number) => {
  const q = new URLSearchParams();
  if (a.atSeq) q.set('at_seq', a.atSeq);
  if (historyAfter) q.set('history_after', String(historyAfter));
  const query = q.toString();
  return api<AggregateAt>(
    `/api/v1/admin/aggregates/${part(a.domain)}/${part(a.type)}/${part(a.id)}${query ? `?${query}` : ''}`,
  );
};

/** A stream's domain from its name: "CHAT", or "<NAMESPACE>_CHAT" in tests. */
export const domainOfStream = (stream: string) => (stream.split('_').at(-1) ?? stream).toLowerCase();

/** The browse view at one event of a stream. */
export const browseAt = (stream: string, seq: number) =>
  `/admin/browse?domain=${part(domainOfStream(stream))}&from_seq=${seq}`;

/** A read model's event-made tables, and a page of one's rows (keys and last sequences). */
export const getLineageTables = (model: string) =>
  api<LineageTables>(`/api/v1/admin/read-models/${part(model)}/tables`);

export const getLineageRows = (model: string, table: string, after?: string, signal?: AbortSignal) => {
  const q = new URLSearchParams({ table });
  if (after) q.set('after', after);
  return api<LineageRows>(`/api/v1/admin/read-models/${part(model)}/rows?${q}`, signal ? { signal } : {});
};

/** The event that last touched one row (null when it has expired from the log). */
export const getRowLineage = (model: string, table: string, key: string[]) =>
  api<RowLineage>(
    `/api/v1/admin/read-models/${part(model)}/lineage?${new URLSearchParams({ table, key: JSON.stringify(key) })}`,
  );

/** The rows screen of one read model (and table). */
export const rowsOf = (model: string, table?: string) =>
  `/admin/read-models/rows?${new URLSearchParams({ model, ...(table && { table }) })}`;

/** The time-travel view of an aggregate, at one of its events. */
export const aggregateAt = (a: { domain: string; type: string; id: string }, atSeq?: number) =>
  `/admin/aggregate?${new URLSearchParams({ domain: a.domain, type: a.type, id: a.id, ...(atSeq !== undefined && { at_seq: String(atSeq) }) })}`;
