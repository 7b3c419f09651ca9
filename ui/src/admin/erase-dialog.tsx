// Erasing a member's personal data on request: who asked (the member, or a parent of the
// family on their behalf) and on which day, then the erasure itself, which cannot be undone.
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { AdminUser } from '../../../contracts/identity.api.ts';
import { eraseMember } from './api.ts';
import { DateField, Field, FormDialog } from './form-dialog.tsx';
import { roleLabel, selectClass, useAction } from './parts.tsx';

const today = () => new Date().toLocaleDateString('en-CA');

/** When they asked: now for today, else the start of that day in the admin's time zone. */
function askedAt(day: string): number {
  const now = Date.now();
  return day === today() ? now : Math.min(new Date(`${day}T00:00:00`).getTime(), now);
}

/** Who may ask for someone's erasure: they themselves, or an adult of the family not erased. */
export function requesters(person: AdminUser, family: AdminUser[]): AdminUser[] {
  return [person, ...family.filter((u) => u.id !== person.id && u.role !== 'child' && u.erasedAt === null)];
}

export function EraseDialog({
  person,
  family,
  onClose,
  onErased,
}: {
  person: AdminUser | null;
  family: AdminUser[];
  onClose: () => void;
  onErased: (person: AdminUser, seq: number) => Promise<void>;
}) {
  const [requestedBy, setRequestedBy] = useState('');
  const [day, setDay] = useState(today());
  const action = useAction();
  const fieldId = useId();
  const { clear } = action;
  useEffect(() => {
    setRequestedBy(person?.id ?? '');
    setDay(today());
    clear();
  }, [person, clear]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!person || !requestedBy) return;
    const done = await action.run('erase', () =>
      eraseMember(person.id, { requestedBy, requestedAtMs: askedAt(day) }),
    );
    if (done) await onErased(person, done.seq);
  };

  const name = person?.name ?? '';
  return (
    <FormDialog
      open={person !== null}
      title={`Erase ${name}’s personal data?`}
      description={
        <>
          Their name, email, picture, messages’ text, file names and notes become unreadable everywhere, for
          good: this cannot be undone. They are signed out at once and can no longer sign in. What they did
          stays in the family’s history, without their name.
        </>
      }
      onClose={onClose}
      onSubmit={submit}
      submit="Erase personal data"
      requires="user.delete"
      disabled={action.busy !== null || !requestedBy}
      error={action.error}
    >
      <Field id={`${fieldId}-by`} label="Who asked for it?">
        <select
          id={`${fieldId}-by`}
          className={selectClass()}
          value={requestedBy}
          required
          onChange={(e) => setRequestedBy(e.target.value)}
        >
          {person &&
            requesters(person, family).map((u) => (
              <option key={u.id} value={u.id}>
                {u.id === person.id
                  ? `${u.name} (themselves)`
                  : `${u.name} (${roleLabel(u.role).toLowerCase()})`}
              </option>
            ))}
        </select>
      </Field>
      <DateField
        id={`${fieldId}-day`}
        label="When did they ask?"
        max={today()}
        required
        value={day}
        onChange={setDay}
      />
    </FormDialog>
  );
}
