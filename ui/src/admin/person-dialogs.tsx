// The dialogs about one person: banning them (a reason, and an end if it is not for good), and
// their sessions, each of which an admin may end.
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { AdminUser } from '../../../contracts/identity.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { useCan } from '../identity/permissions.tsx';
import { type AdminSession, ban, getSessions, revokeAllSessions, revokeSession } from './api.ts';
import { Dialog } from './dialog.tsx';
import { DateField, Field, FormDialog } from './form-dialog.tsx';
import { Empty, ErrorText, Loading, useAction, when } from './parts.tsx';

/** The end of the chosen day, in the admin's own time zone. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export function BanDialog({
  person,
  onClose,
  onBanned,
}: {
  person: AdminUser | null;
  onClose: () => void;
  onBanned: (person: AdminUser, seq: number) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const action = useAction();
  const fieldId = useId();
  const { clear } = action;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new person starts a blank form
  useEffect(() => {
    setReason('');
    setUntil('');
    clear();
  }, [person, clear]);
  const today = new Date().toISOString().slice(0, 10);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!person) return;
    const body = { reason: reason.trim(), ...(until && { expiresAt: endOfDay(until) }) };
    const done = await action.run('ban', () => ban(person.id, body));
    if (done) await onBanned(person, done.seq);
  };

  return (
    <FormDialog
      open={person !== null}
      title={`Ban ${person?.name ?? ''}`}
      description="They are signed out everywhere at once, and cannot sign in until the ban ends or you lift it. They are told the reason."
      onClose={onClose}
      onSubmit={submit}
      submit="Ban"
      requires="user.ban"
      disabled={action.busy !== null}
      error={action.error}
    >
      <Field id={`${fieldId}-reason`} label="Reason">
        <Textarea
          id={`${fieldId}-reason`}
          value={reason}
          maxLength={500}
          required
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <DateField
        id={`${fieldId}-until`}
        label="Until (leave empty for no end)"
        min={today}
        value={until}
        onChange={setUntil}
      />
    </FormDialog>
  );
}

export function SessionsDialog({ person, onClose }: { person: AdminUser | null; onClose: () => void }) {
  const canRevoke = useCan('session.revoke');
  const [sessions, setSessions] = useState<AdminSession[] | null>(null);
  const [note, setNote] = useState('');
  const action = useAction();
  const { run } = action;
  useEffect(() => {
    setSessions(null);
    setNote('');
    if (!person) return;
    let live = true;
    void run('load', () => getSessions(person.id)).then((list) => {
      if (live && list) setSessions(list);
    });
    return () => {
      live = false;
    };
  }, [person, run]);

  const reload = async () => {
    if (!person) return;
    const list = await run('load', () => getSessions(person.id));
    if (list) setSessions(list);
  };
  const end = async (s: AdminSession) => {
    if (!person || !(await run('revoke', () => revokeSession(person.id, s.id)))) return;
    setNote('Signed out of that session.');
    await reload();
  };
  const endAll = async () => {
    if (!person) return;
    const done = await run('revoke', () => revokeAllSessions(person.id));
    if (!done) return;
    setNote(done.revoked === 1 ? 'Signed out of 1 session.' : `Signed out of ${done.revoked} sessions.`);
    await reload();
  };

  return (
    <Dialog
      open={person !== null}
      title={`Sessions of ${person?.name ?? ''}`}
      description="Where they are signed in now. Signing a session out ends it at once."
      onClose={onClose}
      actions={
        canRevoke && sessions && sessions.length > 0 ? (
          <Button
            variant="destructive"
            data-requires="session.revoke"
            disabled={action.busy !== null}
            onClick={endAll}
          >
            Sign out everywhere
          </Button>
        ) : undefined
      }
    >
      <p role="status" className="mb-2 text-sm empty:hidden">
        {note}
      </p>
      <ErrorText message={action.error} />
      {!sessions && !action.error && <Loading what="the sessions" />}
      {sessions && sessions.length === 0 && <Empty>Not signed in anywhere.</Empty>}
      {sessions && sessions.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label="Sessions">
          {sessions.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-2 rounded-lg border p-2 text-sm">
              <div className="min-w-0">
                <div className="truncate">{s.userAgent ?? 'Unknown browser'}</div>
                <div className="text-xs text-muted-foreground">
                  Since {when(s.createdAt)}
                  {s.ipAddress ? ` · ${s.ipAddress}` : ''}
                </div>
              </div>
              {canRevoke && (
                <Button
                  variant="outline"
                  size="sm"
                  data-requires="session.revoke"
                  disabled={action.busy !== null}
                  onClick={() => void end(s)}
                >
                  Sign out<span className="sr-only"> this session</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
