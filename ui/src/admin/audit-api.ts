// The audit log's calls (contracts/audit.api.ts), and its filters as the page's query string:
// the query is the view, so a filtered view can be shared, reloaded and gone back to.
import type {
  AuditCheckpointResult,
  AuditPage,
  AuditRetention,
  AuditVerifyReport,
} from '../../../contracts/audit.api.ts';
import { api } from '../lib/http.ts';
import { normalised } from './audit-rules.ts';

/** What the list is narrowed to; every field may be empty (no narrowing). */
export type AuditFilters = {
  actor: string;
  action: string;
  target: string;
  /** '', 'ok' or 'refused' (AuditOutcome); anything else came from a hand-edited address and is shown as wrong. */
  outcome: string;
  /** ISO instants: the query carries moments, not one time zone's wall clock. */
  from: string;
  to: string;
  q: string;
};

const KEYS = ['actor', 'action', 'target', 'outcome', 'from', 'to', 'q'] as const;

export const NO_FILTERS: AuditFilters = {
  actor: '',
  action: '',
  target: '',
  outcome: '',
  from: '',
  to: '',
  q: '',
};

/**
 * The filters a query string names, normalised (audit-rules.ts); anything it does not know is
 * ignored. A value the routes would refuse is kept, so the page can say which one is wrong.
 */
export function filtersOf(search: string): AuditFilters {
  const params = new URLSearchParams(search);
  const filters = { ...NO_FILTERS };
  for (const key of KEYS) filters[key] = params.get(key) ?? '';
  return normalised(filters);
}

/** The filters as a query (without "?"), only those set, in a stable order. */
export function queryOf(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (filters[key]) params.set(key, filters[key]);
  return params.toString();
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

export const getAuditEntries = (filters: AuditFilters, before?: string) => {
  const params = new URLSearchParams(queryOf(filters));
  if (before) params.set('before', before);
  return api<AuditPage>(withQuery('/api/v1/audit/entries', params.toString()));
};

/** Where the browser downloads every matching entry from (the edge streams it). */
export const exportHref = (format: 'csv' | 'jsonl', filters: AuditFilters) => {
  const query = queryOf(filters);
  return `/api/v1/audit/export?format=${format}${query ? `&${query}` : ''}`;
};

export const getAuditRetention = () => api<AuditRetention>('/api/v1/audit/retention');
export const verifyAudit = () => api<AuditVerifyReport>('/api/v1/audit/verify', { body: {} });
export const signCheckpoint = () => api<AuditCheckpointResult>('/api/v1/audit/checkpoints', { body: {} });
