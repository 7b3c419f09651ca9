// The full-screen viewer: one file at a time, arrows and the keyboard move through the list,
// Escape closes, a swipe moves on a phone (pointer events), videos play with their controls.
// Delete is offered only to whom the edge allows it: the owner, or whoever may moderate.
import { ChevronLeft, ChevronRight, Trash2, X } from 'lucide-react';
import { type PointerEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type { MediaFile } from '../../../contracts/media.api.ts';
import { Button } from '../components/ui/button.tsx';
import { errorMessage } from '../lib/http.ts';
import { deleteFile } from './api.ts';
import { FileLink } from './thumb.tsx';
import { formatSize, shownAs } from './words.ts';

/** How far a finger travels sideways before it counts as a swipe, in CSS pixels. */
const SWIPE_PX = 50;

export function Viewer({
  files,
  index,
  onIndex,
  onClose,
  canDelete,
  onDeleted,
  extra,
}: {
  files: MediaFile[];
  index: number;
  onIndex: (i: number) => void;
  onClose: () => void;
  canDelete: (f: MediaFile) => boolean;
  onDeleted: (f: MediaFile) => void;
  /** More actions for the shown file (adding it to an album). */
  extra?: (f: MediaFile) => ReactNode;
}) {
  const file = files[index];
  const close = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = useRef<{ x: number; y: number } | null>(null);
  const hasPrev = index > 0;
  const hasNext = index < files.length - 1;

  // The viewer takes the keyboard while open, and gives focus back to where it came from.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowLeft' && hasPrev) onIndex(index - 1);
      else if (e.key === 'ArrowRight' && hasNext) onIndex(index + 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, hasPrev, hasNext, onClose, onIndex]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another file clears the last one's error
  useEffect(() => setError(null), [file?.id]);

  if (!file) return null;
  const shown = shownAs(file.content_type);

  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType === 'mouse') return;
    start.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerUp = (e: PointerEvent) => {
    const from = start.current;
    start.current = null;
    if (!from) return;
    const dx = e.clientX - from.x;
    if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) < Math.abs(e.clientY - from.y)) return;
    if (dx < 0 && hasNext) onIndex(index + 1);
    if (dx > 0 && hasPrev) onIndex(index - 1);
  };

  const remove = async () => {
    if (!window.confirm(`Delete ${file.file_name} for everyone?`)) return;
    setBusy(true);
    setError(null);
    try {
      await deleteFile(file.id);
      onDeleted(file);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={`${file.file_name}, ${index + 1} of ${files.length}`}
      data-testid="viewer"
      className="fixed inset-0 z-50 flex flex-col bg-black/95 text-white"
    >
      <header className="flex items-center gap-2 px-3 py-2 pt-[max(0.5rem,env(safe-area-inset-top))]">
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium" data-testid="viewer-name">
            {file.file_name}
          </p>
          <p className="truncate text-xs text-white/80">
            {file.owner_name} · {new Date(file.created_at).toLocaleDateString()} ·{' '}
            {formatSize(file.size_bytes)}
          </p>
        </div>
        {extra?.(file)}
        {canDelete(file) && (
          <Button
            variant="ghost"
            size="icon"
            className="text-white hover:bg-white/15 hover:text-white"
            aria-label="Delete"
            title="Delete"
            disabled={busy}
            onClick={() => void remove()}
          >
            <Trash2 />
          </Button>
        )}
        <Button
          ref={close}
          variant="ghost"
          size="icon"
          className="text-white hover:bg-white/15 hover:text-white"
          aria-label="Close"
          title="Close (Esc)"
          onClick={onClose}
        >
          <X />
        </Button>
      </header>
      {error && (
        <p role="alert" className="bg-destructive px-3 py-1.5 text-sm text-destructive-foreground">
          {error}
        </p>
      )}
      <div
        className="relative flex min-h-0 flex-1 touch-pan-y items-center justify-center select-none"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          start.current = null;
        }}
      >
        {shown === 'video' ? (
          // biome-ignore lint/a11y/useMediaCaption: family videos come without captions
          <video
            key={file.id}
            controls
            autoPlay
            src={file.url}
            poster={file.thumbnail_url || undefined}
            data-testid="viewer-video"
            className="max-h-full max-w-full"
          />
        ) : shown === 'pdf' ? (
          <FileLink file={file} className="text-foreground" />
        ) : (
          <img
            key={file.id}
            src={file.url}
            alt={file.file_name}
            data-testid="viewer-image"
            draggable={false}
            className="max-h-full max-w-full object-contain"
          />
        )}
        {hasPrev && (
          <Arrow side="left" label="Previous" onClick={() => onIndex(index - 1)}>
            <ChevronLeft />
          </Arrow>
        )}
        {hasNext && (
          <Arrow side="right" label="Next" onClick={() => onIndex(index + 1)}>
            <ChevronRight />
          </Arrow>
        )}
      </div>
    </div>
  );
}

function Arrow({
  side,
  label,
  onClick,
  children,
}: {
  side: 'left' | 'right';
  label: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label={label}
      title={label}
      onClick={onClick}
      className={`absolute top-1/2 -translate-y-1/2 rounded-full bg-black/40 text-white hover:bg-white/20 hover:text-white ${side === 'left' ? 'left-2' : 'right-2'}`}
    >
      {children}
    </Button>
  );
}
