// Small pieces the media screens share: loading with read-your-writes, a section, a bar.
import type { ReactNode } from 'react';
import { type SectionProps, Section as SharedSection } from '../components/section.tsx';
import { cn } from '../lib/utils.ts';

export { useLoad } from '../lib/use-load.ts';

/** {@link SharedSection}, its heading ids starting `media-`. */
export const Section = (props: SectionProps) => <SharedSection idPrefix="media" {...props} />;

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="rounded-lg border border-dashed p-4 text-center text-sm text-muted-foreground">
      {children}
    </p>
  );
}

/** An upload's progress: no easing, so the bar says where the bytes are. */
export function ProgressBar({
  value,
  max,
  label,
  className,
}: {
  value: number;
  max: number;
  label: string;
  className?: string;
}) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div className="h-full rounded-full bg-primary" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** A native select styled like the inputs. */
export const selectClass =
  'h-9 min-w-0 rounded-md border border-input bg-transparent px-2 text-base shadow-xs outline-none md:text-sm focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50';

export { LoadError, Loading } from '../components/load-state.tsx';
