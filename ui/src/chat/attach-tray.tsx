// The composer's files: the buttons that pick them (a phone also offers its camera), and above
// the text box the files on their way into the message, each with its progress (or why it
// failed) and a button to take it out before sending.
import { Camera, FileText, Film, Paperclip, X } from 'lucide-react';
import { type ChangeEvent, useRef } from 'react';
import { Button } from '../components/ui/button.tsx';
import { formatSize } from '../media/words.ts';
import type { PendingAttachments } from './pending.ts';

export function AttachTray({ pending }: { pending: PendingAttachments }) {
  const { items, notice, remove } = pending;
  if (items.length === 0 && !notice) return null;
  return (
    <div className="mb-1">
      {notice && (
        <p role="alert" className="pb-1 text-xs text-destructive">
          {notice}
        </p>
      )}
      <ul aria-label="Attachments" className="flex flex-wrap gap-2" data-testid="attach-tray">
        {items.map((p) => (
          <li
            key={p.key}
            data-status={p.status}
            className="flex w-56 items-center gap-2 rounded-md border bg-muted/40 p-1.5 text-xs"
          >
            {p.preview ? (
              <img src={p.preview} alt="" className="size-10 shrink-0 rounded object-cover" />
            ) : (
              <span className="flex size-10 shrink-0 items-center justify-center rounded bg-muted">
                {p.type.startsWith('video/') ? (
                  <Film className="size-5" aria-hidden="true" />
                ) : (
                  <FileText className="size-5" aria-hidden="true" />
                )}
              </span>
            )}
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium">{p.name}</p>
              {p.status === 'uploading' && (
                <div
                  role="progressbar"
                  aria-label={`Uploading ${p.name}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(p.progress * 100)}
                  className="mt-1 h-1.5 overflow-hidden rounded-full bg-muted"
                >
                  <div
                    className="h-full bg-primary transition-[width]"
                    style={{ width: `${p.progress * 100}%` }}
                  />
                </div>
              )}
              {p.status === 'done' && <p className="text-muted-foreground">{formatSize(p.size)}</p>}
              {p.status === 'failed' && (
                <p role="alert" className="text-destructive" data-testid="attach-error">
                  {p.error}
                </p>
              )}
            </div>
            <Button
              variant="ghost"
              size="icon-sm"
              aria-label={`Remove ${p.name}`}
              title="Remove"
              onClick={() => remove(p.key)}
            >
              <X />
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What media keeps: photos, videos and PDFs (it judges by the bytes; this narrows the picker). */
const ACCEPT = 'image/*,video/*,application/pdf';

export function AttachButtons({ onFiles }: { onFiles: (files: File[]) => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const cameraInput = useRef<HTMLInputElement>(null);
  const chosen = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.currentTarget.files ?? [])];
    // Cleared, so choosing the same file again is a change too.
    e.currentTarget.value = '';
    if (files.length > 0) onFiles(files);
  };
  const hidden = {
    type: 'file',
    className: 'sr-only',
    tabIndex: -1,
    'aria-hidden': true,
    onChange: chosen,
  } as const;
  return (
    <>
      <input ref={fileInput} {...hidden} multiple accept={ACCEPT} data-testid="attach-input" />
      <input
        ref={cameraInput}
        {...hidden}
        accept="image/*,video/*"
        capture="environment"
        data-testid="camera-input"
      />
      <Button
        variant="ghost"
        size="icon"
        aria-label="Attach files"
        title="Attach photos, videos or PDFs"
        onClick={() => fileInput.current?.click()}
      >
        <Paperclip />
      </Button>
      {/* The camera is a phone's: on a wide screen the attach button does it all. */}
      <Button
        variant="ghost"
        size="icon"
        className="md:hidden"
        aria-label="Take a photo or video"
        onClick={() => cameraInput.current?.click()}
      >
        <Camera />
      </Button>
    </>
  );
}
