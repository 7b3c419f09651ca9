// Good news for the signed-in person, wherever they are on the page: a level reached, an
// achievement earned. Shown at the top, clear of the composer and its Send button at the
// bottom, and never in the way: taps pass through it to what is beneath, all but its own
// Dismiss. Announced politely to screen readers; each goes away by itself after a while,
// waiting while the pointer rests on Dismiss or focus is inside it. It slides in only when
// the system allows motion.
import { Award, PartyPopper, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import { type Toast, usePlay, useToasts } from './store.tsx';

/** How long a toast stays up, not counting the time it is hovered or focused. */
export const TOAST_MS = 8_000;

export function PlayToasts() {
  const toasts = useToasts();
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 top-2 z-50 flex flex-col items-center gap-2 px-3 md:top-4 md:right-4 md:left-auto md:items-end"
    >
      <style>{'@keyframes play-toast-in{from{opacity:0;transform:translateY(-0.5rem)}to{opacity:1}}'}</style>
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </section>
  );
}

function ToastItem({ toast: t }: { toast: Toast }) {
  const store = usePlay();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const left = useRef(TOAST_MS);
  const paused = hovered || focused;

  useEffect(() => {
    if (paused) return;
    const started = Date.now();
    const timer = setTimeout(() => store.dismiss(t.id), left.current);
    return () => {
      clearTimeout(timer);
      left.current = Math.max(1000, left.current - (Date.now() - started));
    };
  }, [paused, store, t.id]);

  return (
    <div
      role="status"
      data-testid="play-toast"
      data-paused={paused ? 'true' : undefined}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
      // Taps and clicks pass through to what is beneath (a phone's back button sits there),
      // all but its own Dismiss.
      className="pointer-events-none flex w-full max-w-sm items-center gap-3 rounded-xl border border-orange-200 bg-card px-4 py-3 shadow-lg motion-safe:animate-[play-toast-in_200ms_ease-out]"
    >
      <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-orange-100 text-primary">
        {t.kind === 'level' ? (
          <PartyPopper className="size-5" aria-hidden="true" />
        ) : (
          <Award className="size-5" aria-hidden="true" />
        )}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold">{t.title}</p>
        <p className="truncate text-sm text-muted-foreground">{t.body}</p>
      </div>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label="Dismiss"
        className="pointer-events-auto"
        onClick={() => store.dismiss(t.id)}
      >
        <X />
      </Button>
    </div>
  );
}
