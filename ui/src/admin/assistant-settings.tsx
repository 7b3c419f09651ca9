// The assistant's settings: which models each role may ask (a child none until an admin
// chooses), and each member's quota of tokens per day and requests per minute (0: no limit).
// The set is versioned: when another admin saved first, the edge answers 409 and the form
// says so and shows the settings as they now are, rather than overwrite them.
import { type FormEvent, useId, useState } from 'react';
import { ROLES } from '../../../contracts/assistant.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { usePageTitle } from '../lib/title.ts';
import {
  type AssistantSettings,
  getAssistantSettings,
  getAssistantStatus,
  getMembers,
  saveAssistantSettings,
} from './assistant-api.ts';
import {
  bodyOf,
  draftOf,
  fieldOf,
  type QuotaDraft,
  type Role,
  type SettingsDraft,
} from './assistant-data.ts';
import { ErrorText, LoadError, Loading, roleLabel, Section, useLoad } from './parts.tsx';

const ROLE_NAMES: Record<Role, string> = { admin: 'Admins', member: 'Members', child: 'Children' };
const STALE =
  'Another admin changed the assistant settings while you were editing. They are shown below as saved now: make your change again and save.';
const NO_QUOTA: QuotaDraft = { tokens: '', requests: '' };

const UNREAD =
  'Saved, but the settings could not be read back yet: the form shows your change as sent. Try again to see them as saved.';

type Outcome = { kind: 'saved' | 'failed'; message: string; field?: string; retry?: () => void };

export function AssistantSettingsScreen() {
  usePageTitle('Assistant settings · Family console');
  const id = useId();
  const settings = useLoad(getAssistantSettings);
  const members = useLoad(getMembers);
  const status = useLoad(getAssistantStatus);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [ahead, setAhead] = useState<number | null>(null);

  if (settings.error && !settings.data)
    return <LoadError message={settings.error} onRetry={() => void settings.reload()} />;
  if (members.error && !members.data)
    return <LoadError message={members.error} onRetry={() => void members.reload()} />;
  if (!settings.data || !members.data) return <Loading what="the assistant’s settings" />;
  // After a save not yet read back, the version the form's settings now have.
  const version = Math.max(settings.data.version, ahead ?? 0);
  const current = draft ?? draftOf(settings.data);
  const edit = (change: Partial<SettingsDraft>) => {
    setOutcome(null);
    setDraft({ ...current, ...change });
  };
  const setQuota = (memberId: string, change: Partial<QuotaDraft>) => {
    const quotas = new Map(current.quotas);
    quotas.set(memberId, { ...(quotas.get(memberId) ?? NO_QUOTA), ...change });
    edit({ quotas });
  };
  const invalid = (field: string) =>
    outcome?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${id}-outcome` } : {};

  /** Shows the settings as saved, once the edge reads back version `saved` or later. */
  const readBack = async (seq: number, saved: number) => {
    let fresh: AssistantSettings | undefined;
    try {
      fresh = await getAssistantSettings(seq);
    } catch {
      // Said below: the change is kept in the form.
    }
    if (fresh && fresh.version >= saved) {
      settings.setData(fresh);
      setAhead(null);
      setDraft(null);
      setOutcome({ kind: 'saved', message: 'Saved.' });
    } else {
      setOutcome({ kind: 'failed', message: UNREAD, retry: () => void readBack(seq, saved) });
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = bodyOf(current, version);
    if ('problem' in made) {
      setOutcome({ kind: 'failed', ...made.problem });
      document.getElementById(`${id}-${made.problem.field}`)?.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const saved = await saveAssistantSettings(made.body);
      // The form is now the settings at this version, whether or not they read back yet.
      setAhead(saved.version);
      setDraft(current);
      await readBack(saved.seq, saved.version);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        await settings.reload();
        setAhead(null);
        setDraft(null);
        setOutcome({ kind: 'failed', message: STALE });
      } else {
        const path = err instanceof ApiError ? err.details?.field : undefined;
        const field = typeof path === 'string' ? fieldOf(path, made.body) : undefined;
        setOutcome({ kind: 'failed', message: errorMessage(err), ...(field && { field }) });
        if (field) document.getElementById(`${id}-${field}`)?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  const people = [...members.data]
    .filter(([, m]) => !m.erased)
    .sort(([, a], [, b]) => a.name.localeCompare(b.name));
  return (
    <form className="flex flex-col gap-4" onSubmit={submit} aria-label="Assistant settings" noValidate>
      <Section
        title="Models per role"
        description={
          <>
            Which models each role may ask for.
            {status.data?.default_model && (
              <> Someone who chooses none gets the hub’s default, {status.data.default_model}.</>
            )}
          </>
        }
      >
        <div className="flex flex-col gap-4">
          {ROLES.map((role) => {
            const rule = current.models[role];
            const setRule = (change: Partial<typeof rule>) =>
              edit({ models: { ...current.models, [role]: { ...rule, ...change } } });
            return (
              <fieldset key={role} className="flex flex-col gap-2" data-testid="models-role" data-role={role}>
                <legend className="mb-1 text-sm font-medium">{ROLE_NAMES[role]}</legend>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={`${id}-mode-${role}`}
                    checked={rule.mode === 'any'}
                    onChange={() => setRule({ mode: 'any' })}
                  />
                  {role === 'child' ? 'No model: children cannot use the assistant' : 'Any model'}
                </label>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={`${id}-mode-${role}`}
                    checked={rule.mode === 'only'}
                    onChange={() => setRule({ mode: 'only' })}
                  />
                  Only these models
                </label>
                {rule.mode === 'only' && (
                  <Input
                    id={`${id}-models-${role}`}
                    aria-label={`Models allowed for ${ROLE_NAMES[role].toLowerCase()}`}
                    className="max-w-md"
                    placeholder={status.data?.default_model ?? 'llama3.2'}
                    value={rule.models}
                    onChange={(e) => setRule({ models: e.target.value })}
                    {...invalid(`models-${role}`)}
                  />
                )}
              </fieldset>
            );
          })}
          <p className="text-xs text-muted-foreground">Separate model names with commas or spaces.</p>
        </div>
      </Section>
      <Section
        title="Quotas per member"
        description="Tokens (prompt and answer) per UTC day and requests per minute. Empty or 0 is no limit."
      >
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Quotas per member">
            <thead className="text-xs text-muted-foreground">
              <tr>
                <th className="p-2">Member</th>
                <th className="p-2">Role</th>
                <th className="p-2">Tokens per day</th>
                <th className="p-2">Requests per minute</th>
              </tr>
            </thead>
            <tbody>
              {people.map(([memberId, m]) => {
                const q = current.quotas.get(memberId) ?? NO_QUOTA;
                return (
                  <tr key={memberId} className="border-t" data-testid="quota-row" data-member={memberId}>
                    <td className="p-2">{m.name}</td>
                    <td className="p-2">{roleLabel(m.role)}</td>
                    <td className="p-2">
                      <Input
                        id={`${id}-tokens-${memberId}`}
                        aria-label={`Tokens per day for ${m.name}`}
                        inputMode="numeric"
                        placeholder="No limit"
                        className="w-36"
                        value={q.tokens}
                        onChange={(e) => setQuota(memberId, { tokens: e.target.value })}
                        {...invalid(`tokens-${memberId}`)}
                      />
                    </td>
                    <td className="p-2">
                      <Input
                        id={`${id}-requests-${memberId}`}
                        aria-label={`Requests per minute for ${m.name}`}
                        inputMode="numeric"
                        placeholder="No limit"
                        className="w-36"
                        value={q.requests}
                        onChange={(e) => setQuota(memberId, { requests: e.target.value })}
                        {...invalid(`requests-${memberId}`)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Section>
      <div id={`${id}-outcome`}>
        {outcome?.kind === 'failed' &&
          (outcome.retry ? (
            <LoadError message={outcome.message} onRetry={outcome.retry} />
          ) : (
            <ErrorText message={outcome.message} />
          ))}
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" data-requires="assistant.manage" disabled={busy}>
          Save assistant settings
        </Button>
        <p role="status" className="text-sm">
          {outcome?.kind === 'saved' ? outcome.message : ''}
        </p>
      </div>
    </form>
  );
}
