// Good news for the signed-in person, wherever they are on the page: a level reached, an
// achievement earned. Announced politely to screen readers; each goes away by itself.
import { Award, PartyPopper, X } from 'lucide-react';
import { Button } from '../components/ui/button.tsx';
import { usePlay, useToasts } from './store.tsx';

export function PlayToasts() {
  const store = usePlay();
  const toasts = useToasts();
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 top-2 z-50 flex flex-col items-center gap-2 px-3 md:top-auto md:right-4 md:bottom-4 md:left-auto md:items-end"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role="status"
          data-testid="play-toast"
          className="pointer-events-auto flex w-full max-w-sm items-center gap-3 rounded-xl border border-orange-200 bg-card px-4 py-3 shadow-lg"
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
          <Button variant="ghost" size="icon-sm" aria-label="Dismiss" onClick={() => store.dismiss(t.id)}>
            <X />
          </Button>
        </div>
      ))}
    </section>
  );
}
