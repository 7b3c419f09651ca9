// Chores, what those who manage play see beyond the board: a completion waiting for their
// approval (approve, or reject with a reason) and the form that defines a chore.
import { Check, X } from 'lucide-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Completion } from '../../../contracts/play.api.ts';
import { RECURRENCES, type Recurrence } from '../../../contracts/play.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { approveCompletion, defineChore, rejectCompletion } from './api.ts';
import { NumberField, ReasonForm, SelectField, TextField } from './fields.tsx';
import { formatNumber, formatWhen, RECURRENCE_LABELS } from './format.ts';
import { FormError, Pill } from './parts.tsx';
import { useCommand } from './store.tsx';

export function PendingCompletion({
  completion: c,
  who,
  title,
  admin,
}: {
  completion: Completion;
  who: string;
  title: string;
  admin: boolean;
}) {
  const { run, busy, error } = useCommand();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <article aria-label={`${who}: ${title}`} className="rounded-lg border p-3">
      <div className="flex flex-wrap items-center gap-2">
        <div className="min-w-0 flex-1 text-sm">
          <p>
            <span className="font-medium">{who}</span> did <span className="font-medium">{title}</span>
          </p>
          <p className="text-xs text-muted-foreground">
            <time dateTime={c.marked_at}>{formatWhen(c.marked_at)}</time>
          </p>
        </div>
        <Pill tone="waiting">+{formatNumber(c.points)} XP once approved</Pill>
      </div>
      {c.note && <p className="mt-1 text-sm text-muted-foreground">“{c.note}”</p>}
      <FormError message={error?.message} />
      {admin && !rejecting && (
        <div className="mt-2 flex gap-2" data-requires="play.manage">
          <Button
            size="sm"
            disabled={busy !== null}
            onClick={() => void run('approve', () => approveCompletion(c.chore_id, c.id, c.user_id))}
          >
            <Check /> Approve
          </Button>
          <Button size="sm" variant="outline" disabled={busy !== null} onClick={() => setRejecting(true)}>
            <X /> Reject
          </Button>
        </div>
      )}
      {admin && rejecting && (
        <div data-requires="play.manage">
          <ReasonForm
            label="Reject this chore"
            reasonLabel="Why? (optional)"
            reason={reason}
            onReason={setReason}
            submitLabel="Reject it"
            cancelLabel="Cancel"
            busy={busy !== null}
            onSubmit={async () => {
              if (
                await run('reject', () =>
                  rejectCompletion(c.chore_id, c.id, c.user_id, reason.trim() || undefined),
                )
              )
                setRejecting(false);
            }}
            onCancel={() => setRejecting(false)}
          />
        </div>
      )}
    </article>
  );
}

export function NewChore({ onClose }: { onClose: (created?: string) => void }) {
  const { run, busy, error } = useCommand();
  const [title, setTitle] = useState('');
  const [points, setPoints] = useState('20');
  const [recurrence, setRecurrence] = useState<Recurrence>('weekly');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run('define', () =>
      defineChore({ title: title.trim(), points: Number(points), recurrence }),
    );
    if (ok) onClose(ok.id);
  };
  const first = useRef<HTMLDivElement>(null);
  useEffect(() => {
    first.current?.querySelector('input')?.focus();
  }, []);

  return (
    <form
      aria-label="New chore"
      onSubmit={submit}
      className="mb-4 flex flex-col gap-3 rounded-lg border bg-muted/40 p-3"
    >
      <div ref={first} className="grid gap-3 sm:grid-cols-[1fr_8rem_10rem]">
        <TextField
          id="chore-title"
          label="Chore"
          maxLength={80}
          placeholder="Feed the cat"
          value={title}
          onChange={setTitle}
        />
        <NumberField
          id="chore-points"
          label="Points"
          min={1}
          max={10000}
          value={points}
          onChange={setPoints}
        />
        <SelectField
          id="chore-recurrence"
          label="Repeats"
          value={recurrence}
          options={RECURRENCES.map((r) => ({ value: r, label: RECURRENCE_LABELS[r] }))}
          onChange={setRecurrence}
        />
      </div>
      <FormError message={error?.message} />
      <div className="flex gap-2">
        <Button type="submit" disabled={busy !== null}>
          {busy ? 'Adding…' : 'Add chore'}
        </Button>
        <Button variant="ghost" onClick={() => onClose()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
