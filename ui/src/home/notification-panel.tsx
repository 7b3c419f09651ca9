// The notification centre, opened from the bell: a non-modal dialog with every notification
// (each links to where it happened), "Mark all read", which kinds to hear about, and the
// browser's permission to tell while the tab is hidden (asked only when the member presses).
import { type RefObject, useEffect, useId, useRef, useState } from 'react';
import type { NotificationItem } from '../../../contracts/home.api.ts';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../../contracts/home.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';
import { home, useHome } from './store.ts';
import { ago, KIND_LABELS, notificationTitle } from './words.ts';

export function NotificationPanel({
  onClose,
  anchor,
}: {
  onClose: () => void;
  anchor: RefObject<HTMLElement | null>;
}) {
  const page = useHome((s) => s.page);
  const loadError = useHome((s) => s.error);
  const [error, setError] = useState<string | null>(null);
  const [settings, setSettings] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();

  // Focus moves into the centre when it opens; Escape or a click outside closes it.
  useEffect(() => {
    heading.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (panel.current?.contains(t) || anchor.current?.contains(t)) return;
      onClose();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [onClose, anchor]);

  const run = (action: () => Promise<void>) => {
    setError(null);
    action().catch((err: unknown) => setError(errorMessage(err)));
  };
  const open = (n: NotificationItem) => {
    run(() => home.markOne(n));
    onClose();
    navigate(n.link);
  };

  const items = page?.notifications ?? [];
  return (
    <div
      ref={panel}
      id="notification-centre"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="notification-centre"
      className="fixed inset-x-2 top-14 z-40 flex max-h-[75dvh] flex-col rounded-xl border bg-card text-card-foreground shadow-lg md:absolute md:inset-x-auto md:top-9 md:left-0 md:w-96"
    >
      <div className="flex items-center justify-between gap-2 border-b px-4 py-3">
        <h2 id={titleId} ref={heading} tabIndex={-1} className="text-base font-semibold outline-none">
          Notifications
        </h2>
        <div className="flex gap-1">
          <Button
            variant="ghost"
            size="sm"
            disabled={!page || page.unread === 0}
            onClick={() => run(home.markAll)}
          >
            Mark all read
          </Button>
          <Button variant="ghost" size="sm" aria-expanded={settings} onClick={() => setSettings((s) => !s)}>
            Settings
          </Button>
        </div>
      </div>
      {(error ?? loadError) && (
        <p role="alert" className="px-4 py-2 text-sm text-destructive">
          {error ?? loadError}
        </p>
      )}
      {settings && page && <Settings muted={page.muted} onChange={(m) => run(() => home.setMuted(m))} />}
      <ul aria-label="Notifications list" className="min-h-0 flex-1 overflow-y-auto">
        {!page && <li className="px-4 py-6 text-sm text-muted-foreground">Loading…</li>}
        {page && items.length === 0 && (
          <li className="px-4 py-6 text-sm text-muted-foreground">
            Nothing yet. News of the family will show here.
          </li>
        )}
        {items.map((n) => (
          <li key={n.id} className="border-b last:border-b-0">
            <a
              href={n.link}
              data-testid="notification"
              data-kind={n.kind}
              data-read={n.read ? 'true' : 'false'}
              onClick={(e) => {
                e.preventDefault();
                open(n);
              }}
              className={cn(
                'flex gap-3 px-4 py-3 text-sm hover:bg-accent focus-visible:bg-accent',
                !n.read && 'bg-accent/40',
              )}
            >
              <span
                aria-hidden="true"
                className={cn(
                  'mt-1.5 size-2 shrink-0 rounded-full',
                  n.read ? 'bg-transparent' : 'bg-primary',
                )}
              />
              <span className="min-w-0 flex-1">
                <span className={cn('block', !n.read && 'font-semibold')}>
                  {notificationTitle(n)}
                  {!n.read && <span className="sr-only"> (unread)</span>}
                </span>
                {n.body && <span className="block truncate text-muted-foreground">{n.body}</span>}
                <span className="block text-xs text-muted-foreground">{ago(n.at)}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Settings({
  muted,
  onChange,
}: {
  muted: NotificationKind[];
  onChange: (m: NotificationKind[]) => void;
}) {
  const off = new Set(muted);
  const [permission, setPermission] = useState(() =>
    'Notification' in window ? Notification.permission : 'unsupported',
  );
  return (
    <div className="border-b px-4 py-3 text-sm">
      <fieldset>
        <legend className="mb-2 font-medium">Tell me about</legend>
        <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
          {NOTIFICATION_KINDS.map((kind) => (
            <label key={kind} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={!off.has(kind)}
                onChange={(e) =>
                  onChange(e.target.checked ? muted.filter((k) => k !== kind) : [...muted, kind])
                }
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="mt-3">
        {permission === 'default' && (
          <Button
            variant="outline"
            size="sm"
            onClick={() => {
              void Notification.requestPermission().then(setPermission);
            }}
          >
            Also tell me while Hearth is in the background
          </Button>
        )}
        {permission === 'granted' && (
          <p className="text-muted-foreground">Hearth tells you in the background too.</p>
        )}
        {permission === 'denied' && (
          <p className="text-muted-foreground">
            This browser blocks Hearth's notifications; its site settings can allow them.
          </p>
        )}
      </div>
    </div>
  );
}
