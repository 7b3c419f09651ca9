// API keys for integrators: issue one (name, scopes, expiry; the key is shown this once, to
// copy), see the keys issued, revoke one after a confirmation.
import { type FormEvent, useId, useRef, useState } from 'react';
import { type AdminApiKey, type ApiKeyMade, SCOPES, type Scope } from '../../../contracts/integrators.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { usePageTitle } from '../lib/title.ts';
import { getKeys, issueKey, revokeKey } from './api.ts';
import { Dialog } from './dialog.tsx';
import {
  Empty,
  ErrorText,
  LoadError,
  Loading,
  Section,
  selectClass,
  useAction,
  useLoad,
  when,
} from './parts.tsx';

const EXPIRIES = [
  { value: 30, label: '30 days' },
  { value: 90, label: '90 days' },
  { value: 365, label: '1 year' },
];

const STATUS: Record<AdminApiKey['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

const scopeLabel = (s: Scope) => {
  const [domain, what] = s.split(':');
  return `${domain} (${what === 'read' ? 'events' : 'personal fields'})`;
};

export function KeysScreen() {
  usePageTitle('API keys · Family console');
  const id = useId();
  const keys = useLoad(getKeys);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set());
  const [days, setDays] = useState(90);
  const [made, setMade] = useState<ApiKeyMade | null>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [revoking, setRevoking] = useState<AdminApiKey | null>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const toggle = (s: Scope, on: boolean) =>
    setScopes((prev) => {
      const next = new Set(prev);
      if (on) next.add(s);
      else next.delete(s);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCopied(null);
    const key = await action.run('issue', () =>
      issueKey({ name: name.trim(), scopes: [...scopes], expiresInDays: days }),
    );
    if (!key) return;
    setMade(key);
    setName('');
    setScopes(new Set());
    await keys.reload(key.seq);
    keyRef.current?.focus();
  };

  const copy = async () => {
    if (!made) return;
    try {
      await navigator.clipboard.writeText(made.key);
      setCopied('yes');
    } catch {
      setCopied('no');
      keyRef.current?.select();
    }
  };

  const revoke = async () => {
    const key = revoking;
    if (!key) return;
    const done = await action.run('revoke', () => revokeKey(key.id));
    setRevoking(null);
    if (done) await keys.reload(done.seq);
  };

  return (
    <Section
      title="API keys"
      description="A key lets a program outside the hub read the family's events (GET /api/v1/events)."
    >
      <form className="flex flex-col gap-3" onSubmit={submit} aria-label="New API key">
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-name`}>Name</Label>
            <Input
              id={`${id}-name`}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-expiry`}>Works for</Label>
            <select
              id={`${id}-expiry`}
              className={selectClass()}
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            >
              {EXPIRIES.map((x) => (
                <option key={x.value} value={x.value}>
                  {x.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1.5">
          <legend className="mb-1.5 text-sm font-medium">What it may read</legend>
          {SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={scopes.has(s)} onChange={(e) => toggle(s, e.target.checked)} />
              {scopeLabel(s)}
            </label>
          ))}
        </fieldset>
        <div>
          <Button
            type="submit"
            data-requires="integration.manage"
            disabled={action.busy !== null || scopes.size === 0 || name.trim() === ''}
          >
            Issue key
          </Button>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        <ErrorText message={action.error} />
        {made && (
          <div className="flex flex-col gap-1.5 rounded-lg border p-3" data-testid="key-made">
            <Label htmlFor={`${id}-key`}>New key (until {when(made.expiresAt)})</Label>
            <div className="flex flex-wrap gap-2">
              <Input
                ref={keyRef}
                id={`${id}-key`}
                readOnly
                value={made.key}
                className="min-w-0 flex-1 font-mono text-xs"
                onFocus={(e) => e.currentTarget.select()}
              />
              <Button variant="outline" onClick={copy}>
                Copy key
              </Button>
            </div>
            <p role="status" className="text-sm empty:hidden">
              {copied === 'yes' && 'Copied.'}
              {copied === 'no' &&
                'This browser would not copy it: the key is selected above, copy it with Ctrl+C.'}
            </p>
            <p className="text-sm font-medium">
              Copy it now: this key will not be shown again. Lost, it cannot be recovered; revoke it and issue
              another.
            </p>
          </div>
        )}
      </div>
      <div className="mt-4">
        {keys.error && !keys.data && <LoadError message={keys.error} onRetry={() => void keys.reload()} />}
        {!keys.data && !keys.error && <Loading what="the keys" />}
        {keys.data && keys.data.length === 0 && <Empty>No keys yet.</Empty>}
        {keys.data && keys.data.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="API keys issued">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  {['Name', 'Scopes', 'Issued', 'Until', 'Status'].map((h) => (
                    <th key={h} scope="col" className="py-2 pr-3 font-medium">
                      {h}
                    </th>
                  ))}
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} className="border-t" data-testid="key-row" data-status={k.status}>
                    <td className="py-2 pr-3">{k.name}</td>
                    <td className="py-2 pr-3">{k.scopes.join(', ')}</td>
                    <td className="py-2 pr-3">{when(k.issuedAt)}</td>
                    <td className="py-2 pr-3">{when(k.expiresAt)}</td>
                    <td className="py-2 pr-3">
                      {STATUS[k.status]}
                      {k.revokedAt && ` ${when(k.revokedAt)}`}
                    </td>
                    <td className="py-2 text-right">
                      {k.status === 'active' && (
                        <Button
                          variant="outline"
                          size="sm"
                          data-requires="integration.manage"
                          disabled={action.busy !== null}
                          onClick={() => setRevoking(k)}
                        >
                          Revoke<span className="sr-only"> the key {k.name}</span>
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <Dialog
        open={revoking !== null}
        title="Revoke this key?"
        description={`“${revoking?.name ?? ''}” stops working at once, feeds open with it included. This cannot be undone.`}
        onClose={() => setRevoking(null)}
        actions={
          <Button variant="destructive" disabled={action.busy !== null} onClick={() => void revoke()}>
            Revoke key
          </Button>
        }
      />
    </Section>
  );
}
