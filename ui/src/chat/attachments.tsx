// The files a message carries, inline: a picture as its thumbnail (a click opens it full size),
// a video in a player, a PDF as a link with its size. A file deleted since shows as removed:
// its download answers 404, which the page learns from the file's metadata.
import { FileText, ImageOff, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { ChatAttachment } from '../../../contracts/chat.api.ts';
import { Button } from '../components/ui/button.tsx';
import { ApiError, api } from '../lib/http.ts';
import { formatSize, shownAs } from '../media/words.ts';

/** Asked once per file and page: a deleted file stays deleted. */
const removedFiles = new Map<string, Promise<boolean>>();

function isRemoved(id: string): Promise<boolean> {
  let known = removedFiles.get(id);
  if (!known) {
    known = api(`/api/v1/files/${encodeURIComponent(id)}`).then(
      () => false,
      (err: unknown) => err instanceof ApiError && err.status === 404,
    );
    removedFiles.set(id, known);
  }
  return known;
}

/** Whether the file is gone: asked at once (`now`), or when `failed()` says it did not load. */
function useRemoved(id: string, now: boolean, settled: boolean) {
  const [removed, setRemoved] = useState(false);
  const [failedToLoad, setFailed] = useState(false);
  const check = settled && (now || failedToLoad);
  useEffect(() => {
    if (!check) return;
    let live = true;
    void isRemoved(id).then((r) => live && setRemoved(r));
    return () => {
      live = false;
    };
  }, [id, check]);
  return { removed, failed: () => setFailed(true) };
}

export function Attachments({
  list,
  settled,
}: {
  list: ChatAttachment[];
  /** The message is on the log: its files were there when it was posted, so a 404 means removed. */
  settled: boolean;
}) {
  if (list.length === 0) return null;
  return (
    <ul aria-label="Attachments" className="mt-1 flex flex-wrap gap-2">
      {list.map((a) => (
        <li key={a.id} data-attachment-id={a.id} data-kind={shownAs(a.content_type)}>
          <Attachment a={a} settled={settled} />
        </li>
      ))}
    </ul>
  );
}

function Attachment({ a, settled }: { a: ChatAttachment; settled: boolean }) {
  const kind = shownAs(a.content_type);
  // A link cannot tell it led nowhere: a PDF's file is looked up as it shows.
  const { removed, failed } = useRemoved(a.id, kind === 'pdf', settled);
  if (removed)
    return (
      <p
        className="flex items-center gap-1.5 rounded-md border border-dashed px-2 py-1.5 text-xs text-muted-foreground"
        data-testid="attachment-removed"
      >
        <ImageOff className="size-4" aria-hidden="true" />
        <span>
          <span className="font-medium">{a.file_name}</span> was removed.
        </span>
      </p>
    );
  if (kind === 'video')
    return (
      // biome-ignore lint/a11y/useMediaCaption: family videos come without captions
      <video
        controls
        preload="metadata"
        src={a.url}
        poster={a.thumbnail_url || undefined}
        aria-label={a.file_name}
        className="max-h-72 max-w-full rounded-md bg-black"
        onError={failed}
        onClick={(e) => e.stopPropagation()}
      />
    );
  if (kind === 'pdf')
    return (
      <a
        href={a.url}
        target="_blank"
        rel="noopener"
        className="flex items-center gap-2 rounded-md border px-2 py-1.5 text-sm hover:bg-muted"
        onClick={(e) => e.stopPropagation()}
      >
        <FileText className="size-5 shrink-0 text-muted-foreground" aria-hidden="true" />
        <span className="max-w-60 truncate font-medium underline-offset-2 hover:underline">
          {a.file_name}
        </span>
        <span className="text-xs text-muted-foreground">PDF, {formatSize(a.size_bytes)}</span>
      </a>
    );
  return <Picture a={a} onError={failed} />;
}

function Picture({ a, onError }: { a: ChatAttachment; onError: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);
  return (
    <>
      <button
        type="button"
        aria-label={`Open ${a.file_name} full size`}
        className="block overflow-hidden rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        <img
          src={a.thumbnail_url || a.url}
          alt={a.file_name}
          width={a.width ?? undefined}
          height={a.height ?? undefined}
          loading="lazy"
          className="h-auto max-h-60 w-auto max-w-60 bg-muted object-contain"
          onError={onError}
        />
      </button>
      {open && (
        // The native modal dialog keeps focus inside and closes on Escape.
        // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes it (the dialog's own key)
        <dialog
          ref={dialog}
          aria-label={a.file_name}
          className="m-auto max-h-[95vh] max-w-[95vw] bg-transparent p-0 backdrop:bg-black/80"
          onClose={() => setOpen(false)}
          onClick={(e) => {
            e.stopPropagation();
            // A click on the backdrop (the dialog itself, not the picture) closes it.
            if (e.target === e.currentTarget) dialog.current?.close();
          }}
        >
          <img src={a.url} alt={a.file_name} className="max-h-[90vh] max-w-[95vw] object-contain" />
          <Button
            variant="secondary"
            size="icon-sm"
            aria-label="Close"
            className="absolute top-2 right-2"
            onClick={() => dialog.current?.close()}
          >
            <X />
          </Button>
        </dialog>
      )}
    </>
  );
}
