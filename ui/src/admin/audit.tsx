// The audit log: everything that happened in the family's Hearth and every attempt it refused,
// filtered by who, what and when (the filters are the page's query, so a view can be shared),
// exported whole, and checked for tampering.
import { Download } from 'lucide-react';
import { useMemo } from 'react';
import { buttonVariants } from '../components/ui/button.tsx';
import { setSearch, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { type AuditFilters, exportHref, filtersOf, getAuditRetention, queryOf } from './audit-api.ts';
import { AuditEntries, useAuditEntries } from './audit-entries.tsx';
import { AuditFiltersForm } from './audit-filters.tsx';
import { AuditVerifySection } from './audit-verify.tsx';
import { Section, useLoad, when } from './parts.tsx';

// Two downloads side by side, even on a phone.
const download = cn(buttonVariants({ variant: 'outline', size: 'sm' }), 'px-2.5');

export function AuditScreen() {
  usePageTitle('Audit log · Family console');
  const search = useSearch();
  const filters = useMemo(() => filtersOf(search), [search]);
  const entries = useAuditEntries(filters);
  const filtered = queryOf(filters) !== '';
  const seen = useMemo(
    () => [...new Set(entries.pages?.entries.map((e) => e.action) ?? [])],
    [entries.pages],
  );
  const apply = (next: AuditFilters) => setSearch(queryOf(next));

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
            <a href={exportHref('csv', filters)} download data-requires="audit.read" className={download}>
              <Download aria-hidden="true" /> Download CSV
            </a>
            <a href={exportHref('jsonl', filters)} download data-requires="audit.read" className={download}>
              <Download aria-hidden="true" /> Download JSONL
            </a>
          </div>
        }
      >
        <AuditFiltersForm filters={filters} actions={seen} onApply={apply} />
        <div className="mt-4">
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
