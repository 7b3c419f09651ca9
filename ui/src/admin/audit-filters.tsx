// The audit log's filters: who, what, on what, how it ended, when, and any text. A choice from
// a list applies at once; typed fields apply on Enter or "Show". Applying sets the page's query.
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { loadPeople, type Person } from '../identity/people.ts';
import { ApiError } from '../lib/http.ts';
import { getUsers } from './api.ts';
import { type AuditFilters, NO_FILTERS } from './audit-api.ts';
import { selectClass, useLoad } from './parts.tsx';

/** Every event type starts with its domain: typing one offers the domain's events. */
const DOMAINS = ['identity.', 'chat.', 'play.', 'home.', 'media.', 'audit.'];

/** Everyone, banned people included (their past is in the log); the directory if the list is refused. */
async function loadFamily(): Promise<Person[]> {
  try {
    return (await getUsers()).map((u) => ({ id: u.id, name: u.name }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return loadPeople();
    throw err;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a datetime-local input shows it: this device's wall clock. */
function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (this device's wall clock) as an ISO instant. */
function fromLocalInput(value: string): string {
  const at = value ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : '';
}

export function AuditFiltersForm({
  filters,
  actions,
  onApply,
}: {
  filters: AuditFilters;
  /** Event types already seen, offered as the action is typed. */
  actions: string[];
  onApply: (filters: AuditFilters) => void;
}) {
  const family = useLoad(loadFamily);
  const [draft, setDraft] = useState(filters);
  // The query changed (Back, a shared link, "Clear"): the form shows what the list shows.
  useEffect(() => setDraft(filters), [filters]);
  const set = (key: keyof AuditFilters, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const choose = (key: 'actor' | 'outcome', value: string) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    onApply(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };

  const people = family.data ?? [];
  // Someone no longer in the family (or a link from elsewhere): still a filter, said plainly.
  const settled = family.data !== null || family.error !== null;
  const unknownActor = settled && Boolean(draft.actor) && !people.some((p) => p.id === draft.actor);
  const suggestions = [...new Set([...DOMAINS, ...actions])].sort();
  const field = 'flex min-w-0 flex-col gap-1.5';
  // A phone has room for two lists or two short fields side by side, not for a date and time.
  const wide = `${field} col-span-2 sm:col-span-1`;

  return (
    <form
      aria-label="Filter the audit log"
      onSubmit={submit}
      className="grid grid-cols-2 gap-3 lg:grid-cols-4"
    >
      <div className={field}>
        <Label htmlFor="audit-actor">Person</Label>
        <select
          id="audit-actor"
          className={selectClass()}
          value={draft.actor}
          onChange={(e) => choose('actor', e.target.value)}
        >
          <option value="">Everyone</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
          {unknownActor && <option value={draft.actor}>Someone else ({draft.actor})</option>}
        </select>
      </div>
      <div className={field}>
        <Label htmlFor="audit-outcome">Outcome</Label>
        <select
          id="audit-outcome"
          className={selectClass()}
          value={draft.outcome}
          onChange={(e) => choose('outcome', e.target.value)}
        >
          <option value="">All</option>
          <option value="ok">Went through</option>
          <option value="refused">Refused</option>
        </select>
      </div>
      <div className={field}>
        <Label htmlFor="audit-action">Action</Label>
        <Input
          id="audit-action"
          list="audit-action-suggestions"
          placeholder="e.g. chat."
          autoComplete="off"
          value={draft.action}
          onChange={(e) => set('action', e.target.value)}
        />
        <datalist id="audit-action-suggestions">
          {suggestions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div className={field}>
        <Label htmlFor="audit-target">Target</Label>
        <Input
          id="audit-target"
          placeholder="e.g. chat.channel.family"
          autoComplete="off"
          value={draft.target}
          onChange={(e) => set('target', e.target.value)}
        />
      </div>
      <div className={wide}>
        <Label htmlFor="audit-from">From</Label>
        <Input
          id="audit-from"
          type="datetime-local"
          value={toLocalInput(draft.from)}
          onChange={(e) => set('from', fromLocalInput(e.target.value))}
        />
      </div>
      <div className={wide}>
        <Label htmlFor="audit-to">To</Label>
        <Input
          id="audit-to"
          type="datetime-local"
          value={toLocalInput(draft.to)}
          onChange={(e) => set('to', fromLocalInput(e.target.value))}
        />
      </div>
      <div className={wide}>
        <Label htmlFor="audit-q">Containing</Label>
        <Input
          id="audit-q"
          type="search"
          placeholder="a name or a word"
          autoComplete="off"
          value={draft.q}
          onChange={(e) => set('q', e.target.value)}
        />
      </div>
      <div className="col-span-2 flex items-end gap-2 sm:col-span-1">
        <Button type="submit" data-requires="audit.read">
          Show
        </Button>
        <Button type="button" variant="outline" onClick={() => onApply(NO_FILTERS)}>
          Clear filters
        </Button>
      </div>
      {family.error && (
        <p className="col-span-2 text-sm text-muted-foreground lg:col-span-4">
          The family’s names could not be loaded ({family.error}); the other filters still work.
        </p>
      )}
    </form>
  );
}
