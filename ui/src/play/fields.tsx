// Small form pieces the play screens share: labelled text and number inputs and selects,
// segmented radios and the inline "reason + destructive button + cancel" form.
import type { FormEvent } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { cn } from '../lib/utils.ts';
import { selectClass } from './parts.tsx';

/** A required text input with its label above it; `suggestions` offers choices as you type. */
export function TextField({
  id,
  label,
  value,
  onChange,
  maxLength,
  placeholder,
  suggestions,
  invalid,
  describedBy,
  className,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength?: number;
  placeholder?: string;
  suggestions?: readonly string[];
  invalid?: boolean;
  /** The id of what explains the field (its error), read out with it. */
  describedBy?: string | undefined;
  className?: string;
}) {
  return (
    <div className={cn('flex flex-col gap-2', className)}>
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        required
        maxLength={maxLength}
        placeholder={placeholder}
        list={suggestions ? `${id}-suggestions` : undefined}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {suggestions && (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </div>
  );
}

/** A required whole-number input with its label above it. */
export function NumberField({
  id,
  label,
  min,
  max,
  value,
  onChange,
}: {
  id: string;
  label: string;
  min: number;
  max: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A select with its label above it; `placeholder` adds an empty first choice. */
export function SelectField<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
  placeholder,
}: {
  id: string;
  label: string;
  value: T | '';
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  placeholder?: string;
}) {
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{label}</Label>
      <select
        id={id}
        className={selectClass()}
        value={value}
        required
        onChange={(e) => onChange(e.target.value as T)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An inline form asking for an optional reason before a destructive action. */
export function ReasonForm({
  label,
  reasonLabel,
  reason,
  onReason,
  submitLabel,
  cancelLabel,
  busy,
  onSubmit,
  onCancel,
}: {
  label: string;
  reasonLabel: string;
  reason: string;
  onReason: (reason: string) => void;
  submitLabel: string;
  cancelLabel: string;
  busy: boolean;
  onSubmit: () => Promise<void>;
  onCancel: () => void;
}) {
  return (
    <form
      className="mt-2 flex flex-wrap items-center gap-2"
      aria-label={label}
      onSubmit={async (e: FormEvent) => {
        e.preventDefault();
        await onSubmit();
      }}
    >
      <Input
        aria-label={reasonLabel}
        placeholder="Why? (optional)"
        maxLength={200}
        value={reason}
        onChange={(e) => onReason(e.target.value)}
        className="h-8 min-w-40 flex-1"
      />
      <Button type="submit" size="sm" variant="destructive" disabled={busy}>
        {submitLabel}
      </Button>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        {cancelLabel}
      </Button>
    </form>
  );
}

/** Radio buttons that look like a segmented control. */
export function Segmented({
  name,
  value,
  onChange,
  options,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="inline-flex w-full rounded-md border bg-muted p-0.5 sm:w-auto">
      {options.map((o) => (
        <label
          key={o.value}
          className={cn(
            'flex-1 cursor-pointer rounded px-3 py-1.5 text-center text-sm whitespace-nowrap transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring/50',
            value === o.value
              ? 'bg-background font-medium shadow-xs'
              : 'text-muted-foreground hover:text-foreground',
          )}
        >
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            className="sr-only"
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}
