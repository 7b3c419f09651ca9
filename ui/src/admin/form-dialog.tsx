// A dialog that is one form about a person, sent by one destructive button (banning them,
// erasing their data): its fields, each with its label, and the error the last try answered.
import { type FormEvent, type ReactNode, useId } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { Dialog } from './dialog.tsx';
import { ErrorText } from './parts.tsx';

export function FormDialog({
  open,
  title,
  description,
  onClose,
  onSubmit,
  submit,
  requires,
  disabled,
  error,
  children,
}: {
  open: boolean;
  title: string;
  description: ReactNode;
  onClose: () => void;
  onSubmit: (e: FormEvent) => void;
  /** The button's label. */
  submit: string;
  /** The permission the button needs (data-requires, checked against the server's table). */
  requires: string;
  disabled: boolean;
  error: string | null | undefined;
  children: ReactNode;
}) {
  const formId = useId();
  return (
    <Dialog
      open={open}
      title={title}
      description={description}
      onClose={onClose}
      actions={
        <Button
          type="submit"
          form={formId}
          variant="destructive"
          data-requires={requires}
          disabled={disabled}
        >
          {submit}
        </Button>
      }
    >
      <form id={formId} className="flex flex-col gap-3" onSubmit={onSubmit}>
        {children}
        <ErrorText message={error} />
      </form>
    </Dialog>
  );
}

/** One field of the form: its label above it. */
export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

/** A day, as the form's fields pick one. */
export function DateField({
  id,
  label,
  value,
  onChange,
  min,
  max,
  required = false,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (day: string) => void;
  min?: string;
  max?: string;
  required?: boolean;
}) {
  return (
    <Field id={id} label={label}>
      <Input
        id={id}
        type="date"
        min={min}
        max={max}
        required={required}
        className="max-w-48"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
