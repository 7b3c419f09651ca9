// The audit log's entries, newest first, a page at a time: who did what to what, how it
// ended, from where, and the details the event's schema allows to be shown.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntry } from '../../../contracts/audit.api.ts';
import { Badge } from '../components/ui/badge.tsx';
import { Button } from '../components/ui/button.tsx';
import { errorMessage } from '../lib/http.ts';
import { type AuditFilters, getAuditEntries } from './audit-api.ts';
import { Empty, LoadError, Loading, when } from './parts.tsx';

type Pages = { entries: AuditEntry[]; next: string | null };

/** The first page for these filters, and older ones appended on `more()`; nothing asked for null. */
export function useAuditEntries(filters: AuditFilters | null) {
  const [pages, setPages] = useState<Pages | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const mine = ++latest.current;
    setPages(null);
    setError(null);
    if (!filters) return;
    try {
      const page = await getAuditEntries(filters);
      if (mine === latest.current) setPages(page);
    } catch (err) {
      if (mine === latest.current) setError(errorMessage(err));
    }
  }, [filters]);
  useEffect(() => {
    void load();
  }, [load]);

  const more = async () => {
    if (!filters || !pages?.next) return;
    const mine = latest.current;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await getAuditEntries(filters, pages.next);
      if (mine === latest.current)
        setPages((p) => ({ entries: [...(p?.entries ?? []), ...page.entries], next: page.next }));
    } catch (err) {
      if (mine === latest.current) setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  };
  return { pages, error, loadingMore, idle: filters === null, reload: load, more };
}

export function AuditEntries({
  state,
  filtered,
}: {
  state: ReturnType<typeof useAuditEntries>;
  filtered: boolean;
}) {
  const { pages, error, loadingMore } = state;
  if (state.idle) return <Empty>The log is shown once the filter marked above is put right.</Empty>;
  if (!pages && error) return <LoadError message={error} onRetry={() => void state.reload()} />;
  if (!pages) return <Loading what="the audit log" />;
  if (pages.entries.length === 0)
    return (
      <Empty>
        {filtered
          ? 'Nothing in the log matches these filters. Try fewer of them, or a longer time span.'
          : 'Nothing has been recorded yet.'}
      </Empty>
    );
  return (
    <>
      <ul className="flex flex-col gap-2" aria-label="Audit log entries">
        {pages.entries.map((e) => (
          <Entry key={`${e.stream}:${e.seq}`} entry={e} />
        ))}
      </ul>
      {error && <LoadError message={error} onRetry={() => void state.more()} />}
      <div className="mt-3 flex justify-center">
        {pages.next ? (
          <Button variant="outline" disabled={loadingMore} onClick={() => void state.more()}>
            {loadingMore ? 'Loading older entries…' : 'Older'}
          </Button>
        ) : (
          <p className="text-sm text-muted-foreground">That is everything the log keeps.</p>
        )}
      </div>
    </>
  );
}

function who(e: AuditEntry): string {
  if (e.actor_id === null) return e.outcome === 'refused' ? 'Someone not signed in' : 'Hearth itself';
  return e.actor_name ?? e.actor_id;
}

/** "Firefox on Windows": enough to tell devices apart; the whole string is in the title. */
export function briefAgent(ua: string): string {
  const browser =
    [/Edg\//, /OPR\//, /Firefox\//, /Chrome\//, /Safari\//].map((r) => r.exec(ua)).find(Boolean)?.[0] ?? '';
  const names: Record<string, string> = {
    'Edg/': 'Edge',
    'OPR/': 'Opera',
    'Firefox/': 'Firefox',
    'Chrome/': 'Chrome',
    'Safari/': 'Safari',
  };
  const system =
    [
      ['Android', 'Android'],
      ['iPhone', 'iPhone'],
      ['iPad', 'iPad'],
      ['Windows', 'Windows'],
      ['Mac OS', 'Mac'],
      ['CrOS', 'ChromeOS'],
      ['Linux', 'Linux'],
    ].find(([needle]) => needle !== undefined && ua.includes(needle))?.[1] ?? '';
  const name = names[browser] ?? '';
  if (name && system) return `${name} on ${system}`;
  return name || system || (ua.length > 32 ? `${ua.slice(0, 31)}…` : ua);
}

const shown = (v: string | number | boolean | string[]) =>
  Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);

function Entry({ entry: e }: { entry: AuditEntry }) {
  const refused = e.outcome === 'refused';
  const details = Object.entries(e.details);
  return (
    <li
      className={`rounded-lg border p-3 text-sm ${refused ? 'border-destructive/50' : ''}`}
      data-testid="audit-entry"
      data-outcome={e.outcome}
      data-action={e.action}
    >
      <div className="flex flex-wrap items-start justify-between gap-x-3 gap-y-1">
        <div className="min-w-0">
          <p className="font-medium break-words">
            <span data-testid="audit-who">{who(e)}</span>
            {e.on_behalf_of && (
              <span className="font-normal text-muted-foreground">
                {' '}
                as {e.on_behalf_of_name ?? e.on_behalf_of}
              </span>
            )}{' '}
            · <span className="font-mono">{e.action}</span>
          </p>
          <p className="font-mono text-xs break-all text-muted-foreground">{e.target}</p>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {refused ? (
            <Badge variant="destructive" data-testid="audit-outcome">
              refused{e.count > 1 && ` ×${e.count}`}
            </Badge>
          ) : (
            <Badge variant="secondary" data-testid="audit-outcome">
              went through
            </Badge>
          )}
          <time dateTime={e.at} className="text-xs text-muted-foreground">
            {when(e.at)}
          </time>
        </div>
      </div>
      {(e.client_ip || e.user_agent) && (
        <p className="mt-1 text-xs text-muted-foreground">
          From {e.client_ip ?? 'an unknown address'}
          {e.user_agent && (
            <>
              {' · '}
              <span title={e.user_agent}>{briefAgent(e.user_agent)}</span>
            </>
          )}
        </p>
      )}
      {details.length > 0 && (
        <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 rounded bg-muted px-2 py-1.5 text-xs">
          {details.map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="font-mono font-semibold">{key}:</dt>
              <dd className="font-mono break-all">{shown(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
