// Webhooks for integrators: register one (name, URL, subjects, and a secret of the admin's or
// one the hub makes, shown this once), see them, remove one after a confirmation, and follow
// their deliveries and dead letters.
import { type FormEvent, useId, useRef, useState } from 'react';
import type { AdminWebhook, WebhookMade } from '../../../contracts/integrators.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { usePageTitle } from '../lib/title.ts';
import { getWebhooks, registerWebhook, removeWebhook } from './api.ts';
import { Dialog } from './dialog.tsx';
import { Empty, ErrorText, LoadError, Loading, Section, useAction, useLoad, when } from './parts.tsx';
import { WebhookDeliveries } from './webhook-deliveries.tsx';

export function WebhooksScreen() {
  usePageTitle('Webhooks · Family console');
  const id = useId();
  const hooks = useLoad(getWebhooks);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [subjects, setSubjects] = useState('');
  const [secret, setSecret] = useState('');
  const [made, setMade] = useState<WebhookMade | null>(null);
  const [removing, setRemoving] = useState<AdminWebhook | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = subjects
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const hook = await action.run('register', () =>
      registerWebhook({
        name: name.trim(),
        url: url.trim(),
        subjects: list,
        ...(secret !== '' && { secret }),
      }),
    );
    if (!hook) return;
    setMade(hook);
    setName('');
    setUrl('');
    setSubjects('');
    setSecret('');
    await hooks.reload(hook.seq);
    secretRef.current?.focus();
  };

  const remove = async () => {
    const hook = removing;
    if (!hook) return;
    const done = await action.run('remove', () => removeWebhook(hook.id));
    setRemoving(null);
    if (done) await hooks.reload(done.seq);
  };

  const active = (hooks.data ?? []).filter((h) => h.status === 'active');

  return (
    <Section
      title="Webhooks"
      description="The hub POSTs each event on the chosen subjects to a URL, signed with the webhook's secret (Hearth-Signature), retrying with backoff. Receivers on this machine or the home network are allowed."
    >
      <form className="flex flex-col gap-3" onSubmit={submit} aria-label="New webhook">
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-name`}>Name</Label>
            <Input
              id={`${id}-name`}
              required
              maxLength={80}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="flex min-w-64 flex-1 flex-col gap-1.5">
            <Label htmlFor={`${id}-url`}>URL</Label>
            <Input
              id={`${id}-url`}
              type="url"
              required
              maxLength={2000}
              placeholder="https://receiver.local/hearth"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex min-w-64 flex-1 flex-col gap-1.5">
            <Label htmlFor={`${id}-subjects`}>Subjects (comma-separated)</Label>
            <Input
              id={`${id}-subjects`}
              required
              placeholder="hearth.chat.>, hearth.play.>"
              value={subjects}
              onChange={(e) => setSubjects(e.target.value)}
            />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-secret`}>Secret (empty: the hub makes one)</Label>
            <Input
              id={`${id}-secret`}
              type="password"
              autoComplete="off"
              minLength={16}
              maxLength={256}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </div>
        </div>
        <div>
          <Button
            type="submit"
            data-requires="integration.manage"
            disabled={
              action.busy !== null || name.trim() === '' || url.trim() === '' || subjects.trim() === ''
            }
          >
            Add webhook
          </Button>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-2">
        <ErrorText message={action.error} />
        {made?.secret && (
          <div className="flex flex-col gap-1.5 rounded-lg border p-3" data-testid="webhook-made">
            <Label htmlFor={`${id}-made`}>The webhook’s secret</Label>
            <Input
              ref={secretRef}
              id={`${id}-made`}
              readOnly
              value={made.secret}
              className="font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
            />
            <p className="text-sm font-medium">
              Copy it now into the receiver: this secret will not be shown again.
            </p>
          </div>
        )}
      </div>
      <div className="mt-4">
        {hooks.error && !hooks.data && (
          <LoadError message={hooks.error} onRetry={() => void hooks.reload()} />
        )}
        {!hooks.data && !hooks.error && <Loading what="the webhooks" />}
        {hooks.data && active.length === 0 && <Empty>No webhooks yet.</Empty>}
        {active.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Webhooks">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  {['Name', 'URL', 'Subjects', 'Registered'].map((h) => (
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
                {active.map((h) => (
                  <tr key={h.id} className="border-t" data-testid="webhook-row">
                    <td className="py-2 pr-3">{h.name}</td>
                    <td className="py-2 pr-3 break-all font-mono text-xs">{h.url}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{h.subjects.join(', ')}</td>
                    <td className="py-2 pr-3">{when(h.registeredAt)}</td>
                    <td className="py-2 text-right">
                      <Button
                        variant="outline"
                        size="sm"
                        data-requires="integration.manage"
                        disabled={action.busy !== null}
                        onClick={() => setRemoving(h)}
                      >
                        Remove<span className="sr-only"> the webhook {h.name}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <WebhookDeliveries hooks={hooks.data ?? []} />
      <Dialog
        open={removing !== null}
        title="Remove this webhook?"
        description={`Nothing more is sent to “${removing?.name ?? ''}”. Its deliveries still pending are dropped.`}
        onClose={() => setRemoving(null)}
        actions={
          <Button variant="destructive" disabled={action.busy !== null} onClick={() => void remove()}>
            Remove webhook
          </Button>
        }
      />
    </Section>
  );
}
