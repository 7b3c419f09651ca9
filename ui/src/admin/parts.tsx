import { type ReactNode, useCallback, useState } from 'react';
import { type SectionProps, Section as SharedSection } from '../components/section.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { cn } from '../lib/utils.ts';

export { useLoad } from '../lib/use-load.ts';

/** Runs one action at a time, keeping its error to show (and the field it names, if any). */
export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ message: string; field?: string } | null>(null);
  const run = useCallback(async <T,>(name: string, action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(name);
    setFailure(null);
    try {
      return await action();
    } catch (err) {
      const field = err instanceof ApiError ? err.details?.field : undefined;
      setFailure({ message: errorMessage(err), ...(typeof field === 'string' && { field }) });
      return undefined;
    } finally {
      setBusy(null);
    }
  }, []);
  const clear = useCallback(() => setFailure(null), []);
  return { busy, error: failure?.message ?? null, field: failure?.field, clear, run };
}

/** {@link SharedSection}, its heading ids starting `console-`. */
export const Section = (props: SectionProps) => <SharedSection idPrefix="console" {...props} />;

export function ErrorText({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return <Alert variant="destructive">{message}</Alert>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground">{children}</p>;
}

/** A native select styled like the inputs. */
export function selectClass(className?: string) {
  return cn(
    'h-9 min-w-0 rounded-md border border-input bg-transparent px-2 text-base shadow-xs outline-none md:text-sm',
    'focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50',
    className,
  );
}

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment as people read it: "6 Dec 2026, 14:03". */
export function when(iso: string | null | undefined, never = 'never'): string {
  return iso ? DATE_TIME.format(new Date(iso)) : never;
}

export const ROLE_LABELS: Record<string, string> = { admin: 'Admin', member: 'Member', child: 'Child' };
export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role;

export { LoadError, Loading } from '../components/load-state.tsx';
