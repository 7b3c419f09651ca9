// A read model's rows, for lineage: each event-made table's rows in key order, 50 at a time,
// showing only their keys and the sequence of the event that last touched them. Each row links
// to that event in the browse screen, which links on to its aggregate's history; the link asks
// the hub for the row's event first, and says so plainly when it has expired from the log
// rather than browse from a later one. The read model and table live in the URL.
import { type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { LineageRows, LineageTables } from '../../../contracts/inspect.api.ts';
import { Button } from '../components/ui/button.tsx';
import { errorMessage } from '../lib/http.ts';
import { navigate, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { browseAt, getLineageRows, getLineageTables, getRowLineage, rowsOf } from './inspect-api.ts';
import { Empty, ErrorText, Loading, Section, selectClass } from './parts.tsx';

const go = (to: string) => (e: MouseEvent) => {
  e.preventDefault();
  navigate(to);
};

export function RowsScreen() {
  const search = new URLSearchParams(useSearch());
  const model = search.get('model') ?? '';
  usePageTitle(`Rows of ${model || 'a read model'} · Family console`);
  const [tables, setTables] = useState<LineageTables | null>(null);
  const [page, setPage] = useState<LineageRows | null>(null);
  const [rows, setRows] = useState<LineageRows['rows']>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Rows (by key) whose last event the hub no longer has. */
  const [expired, setExpired] = useState<ReadonlySet<string>>(new Set());
  /** The row to move focus to once the "Next 50 rows" button it was on is gone. */
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const loading = useRef<AbortController | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const table = search.get('table') || tables?.tables[0]?.name || '';

  useEffect(() => {
    if (!model) return;
    let live = true;
    setTables(null);
    setError(null);
    getLineageTables(model).then(
      (t) => live && setTables(t),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [model]);

  // One load at a time: a new one (another table or model, or the page left) aborts the last,
  // so a late answer never lands on the wrong table.
  const load = useCallback(
    async (after?: string) => {
      if (!model || !table) return;
      loading.current?.abort();
      const ctl = new AbortController();
      loading.current = ctl;
      setBusy(true);
      setError(null);
      try {
        const next = await getLineageRows(model, table, after, ctl.signal);
        if (ctl.signal.aborted) return;
        setPage(next);
        if (after === undefined) {
          setExpired(new Set());
          setNotice('');
        }
        setRows((prev) => (after === undefined ? next.rows : [...prev, ...next.rows]));
        if (after !== undefined && !next.next) setFocusKey(JSON.stringify(next.rows[0]?.key ?? null));
      } catch (err) {
        if (!ctl.signal.aborted) setError(errorMessage(err));
      } finally {
        if (loading.current === ctl) {
          loading.current = null;
          setBusy(false);
        }
      }
    },
    [model, table],
  );
  useEffect(() => {
    if (tables) void load();
    return () => {
      loading.current?.abort();
      loading.current = null;
    };
  }, [tables, load]);

  // The last page's button is gone: focus goes to the first row it brought, not to the page's top.
  useEffect(() => {
    if (focusKey === null) return;
    const row = tableRef.current?.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(focusKey)}"]`);
    (row ?? tableRef.current)?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const follow = (stream: string, key: string[]) => async (e: MouseEvent) => {
    e.preventDefault();
    try {
      const found = await getRowLineage(model, table, key);
      if (found.event) navigate(browseAt(stream, found.event.seq));
      else {
        setExpired((prev) => new Set(prev).add(JSON.stringify(key)));
        setNotice(`This row's event (${found.lastSeq}) has expired from the log: nothing to browse.`);
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const shown = page?.readModel === model && page.table === table ? page : null;
  return (
    <Section
      title={`Rows of ${model}`}
      description="Each row with the sequence of the event that last touched it, and only its key: the event shows what happened, its aggregate's history how the row came to be."
    >
      <p className="mb-2 text-sm">
        <a href="/admin/read-models" className="underline" onClick={go('/admin/read-models')}>
          Back to read models
        </a>
      </p>
      <ErrorText message={error} />
      <p role="status" className="mb-2 text-sm empty:hidden">
        {notice}
      </p>
      {model && !tables && !error && <Loading what="the tables" />}
      {tables && (
        <label className="mb-3 flex w-fit flex-col gap-1 text-xs">
          Table
          <select
            className={selectClass()}
            value={table}
            onChange={(e) => navigate(rowsOf(model, e.target.value))}
          >
            {tables.tables.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {busy && rows.length === 0 && <Loading what="the rows" />}
      {shown && rows.length === 0 && !busy && <Empty>No rows yet.</Empty>}
      {shown && rows.length > 0 && (
        <table
          ref={tableRef}
          tabIndex={-1}
          className="w-full text-left text-sm outline-none"
          aria-label={`Rows of ${model}.${table}`}
        >
          <thead>
            <tr className="border-b text-xs text-muted-foreground">
              {shown.key.map((k) => (
                <th key={k} scope="col" className="py-1 pr-3 font-mono font-normal">
                  {k}
                </th>
              ))}
              <th scope="col" className="py-1 font-mono font-normal">
                {shown.seqColumn}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={JSON.stringify(r.key)}
                tabIndex={-1}
                className="border-b outline-none focus-visible:ring-2 focus-visible:ring-ring"
                data-testid="lineage-row"
                data-key={JSON.stringify(r.key)}
              >
                {r.key.map((v, i) => (
                  <td key={shown.key[i]} className="max-w-64 truncate py-1 pr-3 font-mono text-xs" title={v}>
                    {v}
                  </td>
                ))}
                <td className="py-1 font-mono text-xs">
                  {r.lastSeq > 0 ? (
                    <>
                      <a
                        href={browseAt(shown.stream, r.lastSeq)}
                        data-requires="stream.inspect"
                        className="underline"
                        onClick={follow(shown.stream, r.key)}
                      >
                        event {r.lastSeq}
                      </a>
                      {expired.has(JSON.stringify(r.key)) && (
                        <span className="ml-2 font-sans">this row's event has expired</span>
                      )}
                    </>
                  ) : (
                    'unknown until rebuilt'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown?.next && (
        <Button
          variant="outline"
          size="sm"
          className="mt-2"
          disabled={busy}
          onClick={() => void load(shown.next ?? undefined)}
        >
          Next 50 rows
        </Button>
      )}
    </Section>
  );
}
