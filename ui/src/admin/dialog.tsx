// A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert
// (focus stays inside), Escape cancels, and focus returns to whatever opened it.
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Button } from '../components/ui/button.tsx';

export function Dialog({
  open,
  title,
  description,
  onClose,
  children,
  actions,
}: {
  open: boolean;
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children?: ReactNode;
  /** The dialog's buttons; a Cancel button comes first. */
  actions?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    opener.current = document.activeElement;
    dialog.showModal();
    return () => {
      dialog.close();
      const back = opener.current;
      // The opener may be gone (its row changed): then the page's heading takes focus.
      if (back instanceof HTMLElement && back.isConnected) back.focus();
      else document.querySelector<HTMLElement>('main h1')?.focus();
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl border bg-card p-5 text-card-foreground shadow-lg backdrop:bg-black/40"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      {description && (
        <div id={descriptionId} className="mt-1 text-sm text-muted-foreground">
          {description}
        </div>
      )}
      {children && <div className="mt-4">{children}</div>}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button variant="outline" onClick={onClose}>
          Cancel
        </Button>
        {actions}
      </div>
    </dialog>
  );
}
