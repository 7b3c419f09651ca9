// A link in the sidebar's top section (Home, Play, the console): pushes the path, and says
// when its page is the one open.
import type { ReactNode } from 'react';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';

export function NavLink({
  href,
  current,
  icon,
  label,
  hint,
  end,
  requires,
}: {
  href: string;
  current: boolean;
  icon: ReactNode;
  label: string;
  hint?: string;
  /** Shown at the end of the row (a count). */
  end?: ReactNode;
  /** The grant the link's page needs, for the permission tests (data-requires). */
  requires?: string;
}) {
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      data-requires={requires}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
      className={cn(
        'flex items-center gap-2 rounded-md px-2 py-2 text-sm hover:bg-accent md:py-1.5 [&_svg]:size-4 [&_svg]:shrink-0',
        current && 'bg-accent font-medium text-accent-foreground',
      )}
    >
      <span className="text-primary" aria-hidden="true">
        {icon}
      </span>
      <span className="flex-1">{label}</span>
      {hint && (
        <span className="text-xs text-muted-foreground" aria-hidden="true">
          {hint}
        </span>
      )}
      {end}
    </a>
  );
}
