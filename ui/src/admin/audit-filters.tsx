// The audit log's filters: who, what, on what, how it ended, when, and any text. A choice from
// a list applies at once; typed fields apply on Enter or "Show". Applying sets the page's query;
// a filter the routes would refuse is said next to its field (audit-rules.ts) and focused.
import { type FormEvent, useEffect, useState } from 'react';
import type { AuditFilterField } from '../../../contracts/audit.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { loadPeople, type Person } from '../identity/people.ts';
import { ApiError } from '../lib/http.ts';
import { getUsers } from './api.ts';
import { type AuditFilters, NO_FILTERS } from './audit-api.ts';
import { type AuditProblems, normalised, problemsOf } from './audit-rules.ts';
import { selectClass, useLoad } from './parts.tsx';

/** Every event type starts with its domain: typing one offers the domain's events. */
const DOMAINS = ['identity.', 'chat.', 'play.', 'home.', 'media.', 'audit.', 'preferences.'];

/** Everyone, banned people included (their past is in the log); the directory if the list is refused. */
async function loadFamily(): Promise<Person[]> {
  try {
    return (await getUsers()).map((u) => ({ id: u.id, name: u.name }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return loadPeople();
    throw err;
  }
}

/** The fields in the order the form shows them. */
const ORDER: AuditFilterField[] = ['actor', 'outcome', 'action', 'target', 'from', 'to', 'q'];

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a datetime-local input shows it: this device's wall clock. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  // Nothing, or not a moment (a hand-edited address): the field is empty and says why.
  if (!iso || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (this device's wall clock) as an ISO instant. */
function fromLocalInput(value: string): string {
  const at = value ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : '';
}

export function AuditFiltersForm({
  filters,
  problems,
  actions,
  onApply,
}: {
  filters: AuditFilters;
  /** What is wrong with `filters`, by field: shown under each field, and nothing is asked. */
  problems: AuditProblems;
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
    // The first field that is wrong takes the focus, so its message is read out.
    const wrong = problemsOf(normalised(draft));
    const first = ORDER.find((key) => wrong[key]);
    if (first) document.getElementById(`audit-${first}`)?.focus();
  };
  const invalid = (key: AuditFilterField) =>
    problems[key] ? { 'aria-invalid': true, 'aria-describedby': `audit-${key}-error` } : {};
  const problem = (key: AuditFilterField) =>
    problems[key] && (
      <p id={`audit-${key}-error`} className="text-sm text-destructive" data-testid="audit-filter-problem">
        {problems[key]}
      </p>
    );

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
          {...invalid('actor')}
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
        {problem('actor')}
      </div>
      <div className={field}>
        <Label htmlFor="audit-outcome">Outcome</Label>
        <select
          id="audit-outcome"
          {...invalid('outcome')}
          className={selectClass()}
          value={draft.outcome}
          onChange={(e) => choose('outcome', e.target.value)}
        >
          <option value="">All</option>
          <option value="ok">Went through</option>
          <option value="refused">Refused</option>
          {!['', 'ok', 'refused'].includes(draft.outcome) && (
            <option value={draft.outcome}>Something else ({draft.outcome})</option>
          )}
        </select>
        {problem('outcome')}
      </div>
      <div className={field}>
        <Label htmlFor="audit-action">Action</Label>
        <Input
          id="audit-action"
          {...invalid('action')}
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
        {problem('action')}
      </div>
      <div className={field}>
        <Label htmlFor="audit-target">Target</Label>
        <Input
          id="audit-target"
          {...invalid('target')}
          placeholder="e.g. chat.channel.family"
          autoComplete="off"
          value={draft.target}
          onChange={(e) => set('target', e.target.value)}
        />
        {problem('target')}
      </div>
      {(['from', 'to'] as const).map((field) => (
        <div key={field} className={wide}>
          <Label htmlFor={`audit-${field}`}>{field === 'from' ? 'From' : 'To'}</Label>
          <Input
            id={`audit-${field}`}
            {...invalid(field)}
            type="datetime-local"
            value={toLocalInput(draft[field])}
            onChange={(e) => set(field, fromLocalInput(e.target.value))}
          />
          {problem(field)}
        </div>
      ))}
      <div className={wide}>
        <Label htmlFor="audit-q">Containing</Label>
        <Input
          id="audit-q"
          {...invalid('q')}
          type="search"
          placeholder="a name or a word"
          autoComplete="off"
          value={draft.q}
          onChange={(e) => set('q', e.target.value)}
        />
        {problem('q')}
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
