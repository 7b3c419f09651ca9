// The audit log: everything that happened in the family's Hearth and every attempt it refused,
// filtered by who, what and when (the filters are the page's query, so a view can be shared),
// exported whole, and checked for tampering.
import { Download } from 'lucide-react';
import { useMemo, useState } from 'react';
import { buttonVariants } from '../components/ui/button.tsx';
import { setSearch, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { type AuditFilters, exportHref, filtersOf, getAuditRetention, queryOf } from './audit-api.ts';
import { AuditEntries, useAuditEntries } from './audit-entries.tsx';
import { AuditFiltersForm } from './audit-filters.tsx';
import { normalised, problemsOf } from './audit-rules.ts';
import { AuditVerifySection } from './audit-verify.tsx';
import { Section, useLoad, when } from './parts.tsx';

// Two downloads side by side, even on a phone; while a filter is wrong there is nothing to download.
const download = cn(
  buttonVariants({ variant: 'outline', size: 'sm' }),
  'px-2.5 aria-disabled:pointer-events-none aria-disabled:opacity-50',
);

/** A link to the export of these filters, or none at all (no href, aria-disabled) while one is wrong. */
function DownloadLink({ format, filters }: { format: 'csv' | 'jsonl'; filters: AuditFilters | null }) {
  const label = (
    <>
      <Download aria-hidden="true" /> Download {format.toUpperCase()}
    </>
  );
  if (!filters)
    return (
      // biome-ignore lint/a11y/useValidAnchor: a link with nowhere to go while the filters are wrong, said as disabled.
      <a role="link" aria-disabled="true" data-requires="audit.read" className={download}>
        {label}
      </a>
    );
  return (
    <a href={exportHref(format, filters)} download data-requires="audit.read" className={download}>
      {label}
    </a>
  );
}

export function AuditScreen() {
  usePageTitle('Audit log · Family console');
  const search = useSearch();
  const filters = useMemo(() => filtersOf(search), [search]);
  const problems = useMemo(() => problemsOf(filters), [filters]);
  const valid = Object.keys(problems).length === 0;
  // The list keeps the last view the routes would take: a wrong filter is never sent.
  const [shown, setShown] = useState(valid ? filters : null);
  if (valid && shown !== filters) setShown(filters);
  const entries = useAuditEntries(valid ? filters : shown);
  const filtered = queryOf(shown ?? filters) !== '';
  const seen = useMemo(
    () => [...new Set(entries.pages?.entries.map((e) => e.action) ?? [])],
    [entries.pages],
  );
  const apply = (next: AuditFilters) => setSearch(queryOf(normalised(next)));

  return (
    <div className="flex flex-col gap-4">
      <Section
        title="Audit log"
        description={
          <>
            Everything done in this Hearth, by whom and from where, and every attempt it refused.{' '}
            <Retention />
          </>
        }
        actions={
          <div className="flex w-full flex-wrap gap-2 sm:w-auto">
            <DownloadLink format="csv" filters={valid ? filters : null} />
            <DownloadLink format="jsonl" filters={valid ? filters : null} />
          </div>
        }
      >
        <AuditFiltersForm filters={filters} problems={problems} actions={seen} onApply={apply} />
        <div className="mt-4">
          {!valid && shown && (
            <p className="mb-2 text-sm text-muted-foreground" data-testid="audit-last-view">
              Still showing the last filters that worked, until the one marked above is put right.
            </p>
          )}
          <AuditEntries state={entries} filtered={filtered} />
        </div>
      </Section>
      <AuditVerifySection />
    </div>
  );
}

function Retention() {
  const retention = useLoad(getAuditRetention);
  const r = retention.data;
  if (!r)
    return retention.error ? <span>How far back the log goes could not be loaded just now.</span> : null;
  return (
    <span data-testid="audit-retention">
      {r.oldest
        ? `Oldest entry kept: ${when(r.oldest)} (${r.retention_days} days).`
        : `Nothing kept yet; entries are kept ${r.retention_days} days.`}
    </span>
  );
}
