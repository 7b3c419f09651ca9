// Browsing a stream: its events 50 at a time, from a sequence or a moment, by subject filter,
// each decoded with its headers. The filters live in the URL, so a view can be shared (a dead
// letter links to its event). Personal fields are never shown, only that they are withheld or
// erased.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { EventsPage, LoggedEvent } from '../../../contracts/inspect.api.ts';
import { DOMAINS } from '../../../contracts/subjects.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { errorMessage } from '../lib/http.ts';
import { navigate, setSearch, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { aggregateAt, type BrowseFilter, getEvents } from './inspect-api.ts';
import { Empty, ErrorText, Loading, Section, selectClass, when } from './parts.tsx';

function filterOf(search: string): BrowseFilter {
  const q = new URLSearchParams(search);
  const pick = (k: string) => q.get(k) || undefined;
  return {
    domain: pick('domain') ?? 'identity',
    ...(pick('subject') && { subject: pick('subject') }),
    ...(pick('from_seq') && { fromSeq: pick('from_seq') }),
    ...(pick('since') && { since: pick('since') }),
  };
}

function searchOf(f: BrowseFilter): string {
  const q = new URLSearchParams({ domain: f.domain });
  if (f.subject) q.set('subject', f.subject);
  if (f.fromSeq) q.set('from_seq', f.fromSeq);
  else if (f.since) q.set('since', f.since);
  return `?${q}`;
}

export function BrowseScreen() {
  usePageTitle('Browse events · Family console');
  const search = useSearch();
  const filter = filterOf(search);
  const [draft, setDraft] = useState(filter);
  const [page, setPage] = useState<EventsPage | null>(null);
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (f: BrowseFilter, after?: number) => {
    setBusy(true);
    setError(null);
    try {
      const next = await getEvents(f, after);
      setPage(next);
      setEvents((prev) => (after === undefined ? next.events : [...prev, ...next.events]));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);

  // The URL is the filter: a new one loads from its start.
  useEffect(() => {
    const f = filterOf(search);
    setDraft(f);
    void load(f);
  }, [search, load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setSearch(searchOf(draft));
  };

  return (
    <Section
      title="Browse events"
      description="Each event decoded from the log, with its headers. Personal fields stay sealed."
    >
      <form onSubmit={apply} className="mb-3 flex flex-wrap items-end gap-2" aria-label="Filters">
        <label className="flex flex-col gap-1 text-xs">
          Stream
          <select
            className={selectClass()}
            value={draft.domain}
            onChange={(e) => setDraft({ ...draft, domain: e.target.value })}
          >
            {DOMAINS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-col gap-1 text-xs">
          <label htmlFor="browse-subject">Subject filter</label>
          <Input
            id="browse-subject"
            value={draft.subject ?? ''}
            placeholder="channel.*.members"
            onChange={(e) => setDraft({ ...draft, subject: e.target.value || undefined })}
          />
        </div>
        <div className="flex flex-col gap-1 text-xs">
          <label htmlFor="browse-from-seq">From sequence</label>
          <Input
            id="browse-from-seq"
            inputMode="numeric"
            className="w-28"
            value={draft.fromSeq ?? ''}
            onChange={(e) => setDraft({ ...draft, fromSeq: e.target.value || undefined })}
          />
        </div>
        <div className="flex flex-col gap-1 text-xs">
          <label htmlFor="browse-since">Or from a time</label>
          <Input
            id="browse-since"
            type="datetime-local"
            step={1}
            value={draft.since ?? ''}
            onChange={(e) => setDraft({ ...draft, since: e.target.value || undefined })}
          />
        </div>
        <Button type="submit" size="sm">
          Show events
        </Button>
      </form>
      <ErrorText message={error} />
      {busy && events.length === 0 && <Loading what="the events" />}
      {page && events.length === 0 && !busy && <Empty>No events match.</Empty>}
      {/* Browsing from an event the log no longer holds starts at a later one: said plainly. */}
      {filter.fromSeq && !filter.subject && (events[0]?.seq ?? 0) > Number(filter.fromSeq) && (
        <p role="status" className="mb-2 text-sm">
          Event {filter.fromSeq} has expired from the log; the events shown start at {events[0]?.seq}.
        </p>
      )}
      {events.length > 0 && (
        <ul className="flex flex-col gap-1" aria-label="Events">
          {events.map((e) => (
            <EventItem key={e.seq} event={e} open={filter.fromSeq === String(e.seq)} />
          ))}
        </ul>
      )}
      {page && events.length > 0 && page.nextAfterSeq < page.lastSeq && (
        <Button
          variant="outline"
          size="sm"
          className="mt-2"
          disabled={busy}
          onClick={() => void load(filter, page.nextAfterSeq)}
        >
          Next 50 events
        </Button>
      )}
    </Section>
  );
}

function EventItem({ event: e, open: initiallyOpen }: { event: LoggedEvent; open: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const id = `event-${e.seq}`;
  return (
    <li className="rounded-lg border text-sm" data-testid="event" data-seq={e.seq}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        className="flex w-full flex-wrap items-baseline gap-x-3 p-2 text-left"
      >
        <span className="font-mono">#{e.seq}</span>
        <span className="font-medium">{e.type.split('.').at(-1)}</span>
        <span className="min-w-0 truncate font-mono text-xs text-muted-foreground">{e.subject}</span>
        <span className="text-xs text-muted-foreground">{when(e.time)}</span>
        {e.personal && (
          <span className="text-xs" data-testid="personal-mark">
            {e.personal.status === 'erased' ? 'Personal data erased' : 'Personal data withheld'}
          </span>
        )}
      </button>
      {open && (
        <div id={id} className="flex flex-col gap-2 border-t p-2" data-testid="event-detail">
          {e.personal && (
            <p className="text-xs">
              {e.personal.status === 'erased'
                ? 'This member was erased: these fields are gone for good: '
                : 'Sealed, not shown here: '}
              {e.personal.fields.map((f) => (
                <code key={f} className="mr-1 rounded bg-muted px-1">
                  {f}
                </code>
              ))}
            </p>
          )}
          {e.aggregate && (
            <p className="text-xs">
              <a
                href={aggregateAt(e.aggregate, e.seq)}
                className="underline"
                onClick={(click) => {
                  click.preventDefault();
                  if (e.aggregate) navigate(aggregateAt(e.aggregate, e.seq));
                }}
              >
                History of {e.aggregate.domain}.{e.aggregate.type} {e.aggregate.id}
              </a>
            </p>
          )}
          <table className="text-xs" aria-label={`Headers of event ${e.seq}`}>
            <tbody>
              {Object.entries(e.headers).map(([k, v]) => (
                <tr key={k}>
                  <th className="pr-2 text-left font-mono font-normal text-muted-foreground">{k}</th>
                  <td className="font-mono break-all">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre className="whitespace-pre-wrap break-words rounded bg-muted p-2 text-xs">
            {JSON.stringify(e.payload, null, 2)}
          </pre>
        </div>
      )}
    </li>
  );
}
