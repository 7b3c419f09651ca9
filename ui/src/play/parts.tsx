import type { ReactNode } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { cn } from '../lib/utils.ts';

export { Section } from '../components/section.tsx';

export function ProgressBar({
  value,
  min = 0,
  max,
  label,
  className,
  tone = 'primary',
}: {
  value: number;
  min?: number;
  max: number;
  label: string;
  className?: string;
  tone?: 'primary' | 'done' | 'muted';
}) {
  const span = Math.max(1, max - min);
  const pct = Math.min(100, Math.max(0, ((value - min) / span) * 100));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={value}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cn(
          'h-full rounded-full transition-[width] duration-500',
          tone === 'done' ? 'bg-online' : tone === 'muted' ? 'bg-stone-300' : 'bg-primary',
        )}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

const TONES = {
  neutral: 'bg-secondary text-secondary-foreground',
  good: 'bg-emerald-100 text-emerald-800',
  waiting: 'bg-amber-100 text-amber-900',
  bad: 'bg-rose-100 text-rose-800',
  quiet: 'bg-stone-100 text-stone-600',
};

export function Pill({
  tone = 'neutral',
  children,
  className,
  title,
}: {
  tone?: keyof typeof TONES;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        'inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap',
        TONES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-lg border border-dashed p-4 text-center text-sm text-muted-foreground">
      {children}
    </p>
  );
}

export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return <Alert variant="destructive">{message}</Alert>;
}

/** A native select styled like the inputs. */
export function selectClass(className?: string) {
  return cn(
    'h-9 w-full min-w-0 rounded-md border border-input bg-transparent px-2 text-base shadow-xs outline-none md:text-sm',
    'focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50',
    className,
  );
}

export { LoadError, Loading } from '../components/load-state.tsx';
