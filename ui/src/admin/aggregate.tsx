// Time travel: one aggregate's state as the writers fold it, at any event of its history.
// The aggregate and the point in time live in the URL; a slider moves through its events.
import { type FormEvent, useEffect, useState } from 'react';
import type { AggregateAt } from '../../../contracts/inspect.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { errorMessage } from '../lib/http.ts';
import { setSearch, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { type AggregateRef, getAggregate, getAggregateTypes } from './inspect-api.ts';
import { ErrorText, Loading, Section, selectClass, useLoad, when } from './parts.tsx';

function refOf(search: string): AggregateRef & { kind: string } {
  const q = new URLSearchParams(search);
  const domain = q.get('domain') ?? '';
  const type = q.get('type') ?? '';
  return {
    domain,
    type,
    kind: domain && type ? `${domain}.${type}` : '',
    id: q.get('id') ?? '',
    atSeq: q.get('at_seq') ?? undefined,
  };
}

const toSearch = (kind: string, id: string, atSeq?: number) => {
  const [domain = '', type = ''] = kind.split('.');
  const q = new URLSearchParams({ domain, type, id });
  if (atSeq !== undefined) q.set('at_seq', String(atSeq));
  return `?${q}`;
};

export function AggregateScreen() {
  usePageTitle('Time travel · Family console');
  const search = useSearch();
  const ref = refOf(search);
  const types = useLoad(getAggregateTypes);
  const [kind, setKind] = useState(ref.kind);
  const [id, setId] = useState(ref.id);
  const [at, setAt] = useState<AggregateAt | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const r = refOf(search);
    setKind(r.kind);
    setId(r.id);
    if (!r.domain || !r.type || !r.id) return;
    let live = true;
    setError(null);
    getAggregate(r).then(
      (a) => live && setAt(a),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [search]);

  const find = (e: FormEvent) => {
    e.preventDefault();
    setSearch(toSearch(kind || types.data?.types[0] || '', id.trim()));
  };
  const seqs = at?.history.events.map((e) => e.seq) ?? [];
  const position = at ? seqs.filter((s) => s <= at.version).length : 0;
  const travel = (index: number) => setSearch(toSearch(ref.kind, ref.id, index === 0 ? 0 : seqs[index - 1]));

  return (
    <Section
      title="Time travel"
      description="An aggregate's state as the writers fold it, at any event of its history."
    >
      <form onSubmit={find} className="mb-3 flex flex-wrap items-end gap-2" aria-label="Aggregate">
        <label className="flex flex-col gap-1 text-xs">
          Aggregate type
          <select className={selectClass()} value={kind} onChange={(e) => setKind(e.target.value)}>
            {!kind && <option value="">Choose…</option>}
            {(types.data?.types ?? []).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-col gap-1 text-xs">
          <label htmlFor="travel-id">Aggregate id</label>
          <Input id="travel-id" value={id} onChange={(e) => setId(e.target.value)} className="w-72" />
        </div>
        <Button type="submit" size="sm" disabled={!id.trim()}>
          Show
        </Button>
      </form>
      <ErrorText message={error} />
      {ref.id && !at && !error && <Loading what="the aggregate" />}
      {at && (
        <div className="flex flex-col gap-3" data-testid="aggregate" data-version={at.version}>
          <div className="flex flex-col gap-1">
            <label className="flex flex-col gap-1 text-sm" htmlFor="travel-slider">
              <span>
                After event {position} of {seqs.length}
                {at.version > 0 && ` (sequence ${at.version})`}
              </span>
            </label>
            <input
              id="travel-slider"
              type="range"
              min={0}
              max={seqs.length}
              value={position}
              aria-valuetext={`after event ${position} of ${seqs.length}`}
              onChange={(e) => travel(Number(e.target.value))}
            />
          </div>
          <p className="text-xs text-muted-foreground" data-testid="travel-summary">
            {at.subject}: {at.folded} event{at.folded === 1 ? '' : 's'} folded
            {at.fromSnapshot ? ', from its snapshot (older events have expired)' : ''}.
            {at.withheld.length > 0 &&
              ` ${at.erased ? 'Erased' : 'Withheld'}, empty below: ${at.withheld.join(', ')}.`}
          </p>
          <pre
            className="whitespace-pre-wrap break-words rounded bg-muted p-2 text-xs"
            data-testid="aggregate-state"
          >
            {JSON.stringify(at.state, null, 2)}
          </pre>
          <ol className="flex flex-col gap-1 text-sm" aria-label="History">
            {at.history.events.map((e, i) => (
              <li key={e.seq} className="flex flex-wrap items-center gap-2" data-testid="history-event">
                <span className="font-mono">#{e.seq}</span>
                <span>{e.type.split('.').at(-1)}</span>
                <span className="text-xs text-muted-foreground">{when(e.time)}</span>
                <Button
                  variant="outline"
                  size="sm"
                  aria-pressed={e.seq === at.version}
                  onClick={() => travel(i + 1)}
                >
                  State after #{e.seq}
                </Button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </Section>
  );
}
