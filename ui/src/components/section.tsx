import type { ReactNode } from 'react';
import { cn } from '../lib/utils.ts';

export type SectionProps = {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** The heading's id (the section is labelled by it); else `<idPrefix>-<title as a slug>`. */
  labelledBy?: string;
  /** The heading can take focus (tabIndex -1): a view that opens in place moves focus to it. */
  focusable?: boolean;
};

/** A card of one page: a heading, a line under it, actions on the right, then its content. */
export function Section({
  title,
  description,
  actions,
  children,
  className,
  labelledBy,
  focusable = false,
  idPrefix = 'section',
}: SectionProps & { idPrefix?: string }) {
  const id = labelledBy ?? `${idPrefix}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className={cn('rounded-xl border bg-card p-4 shadow-sm md:p-5', className)}>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2
            id={id}
            className={cn('font-semibold leading-tight', focusable && 'outline-none')}
            {...(focusable && { tabIndex: -1 })}
          >
            {title}
          </h2>
          {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
