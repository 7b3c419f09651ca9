// "Add photos": pick or drop several files; each goes up with its own progress bar and a way to
// cancel, and says plainly why it was refused. Before anyone tries, the panel says when uploads
// are off (the virus scanner is away), and offers nothing to someone who may not upload.
import { ShieldAlert, Upload, X } from 'lucide-react';
import { type DragEvent, useCallback, useId, useRef, useState } from 'react';
import type { MediaStatus, UploadKind, UploadResponse } from '../../../contracts/media.api.ts';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { cn } from '../lib/utils.ts';
import { ProgressBar } from './parts.tsx';
import { uploadFile } from './upload.ts';
import { formatSize, limitFor, SCANNER_OFF, uploadErrorMessage } from './words.ts';

/** The types the hub keeps; the picker offers them, the edge judges by the bytes. */
export const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,application/pdf';

type Item = {
  key: number;
  file: File;
  loaded: number;
  state: 'sending' | 'done' | 'failed' | 'cancelled';
  error?: string;
  abort: AbortController;
};

/** What a finished upload gives back, with the file it came from. */
export type Uploaded = { response: UploadResponse; file: File };

let nextKey = 0;

/** Several files at once, each with its own bar; `onUploaded` hears each success. */
export function useUploads({
  kind,
  status,
  onUploaded,
}: {
  kind: UploadKind;
  status: MediaStatus | null;
  onUploaded: (u: Uploaded) => void;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const change = useCallback(
    (key: number, patch: Partial<Item>) =>
      setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i))),
    [],
  );
  const onUploadedRef = useRef(onUploaded);
  onUploadedRef.current = onUploaded;

  const add = useCallback(
    (files: File[]) => {
      const fresh = files.map((file) => ({
        key: ++nextKey,
        file,
        loaded: 0,
        state: 'sending' as const,
        abort: new AbortController(),
      }));
      setItems((all) => [...all.filter((i) => i.state === 'sending' || i.state === 'failed'), ...fresh]);
      for (const item of fresh) {
        uploadFile(item.file, kind, (p) => change(item.key, { loaded: p.loaded }), item.abort.signal)
          .then((response) => {
            change(item.key, { state: 'done', loaded: item.file.size });
            onUploadedRef.current({ response, file: item.file });
          })
          .catch((err: unknown) => {
            const error = uploadErrorMessage(err, {
              limit: limitFor(kind, status),
              scannerNote: status?.scanner_note,
            });
            change(item.key, error === null ? { state: 'cancelled' } : { state: 'failed', error });
          });
      }
    },
    [kind, status, change],
  );
  const dismiss = (key: number) => setItems((all) => all.filter((i) => i.key !== key));
  return { items, add, dismiss };
}

export function UploadPanel({
  status,
  onUploaded,
  kind = 'photo',
  noteOnly = false,
}: {
  status: MediaStatus;
  onUploaded: (u: Uploaded) => void;
  kind?: UploadKind;
  /** Only what uploads do right now (the scanner's note), without the picker. */
  noteOnly?: boolean;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const { items, add, dismiss } = useUploads({ kind, status, onUploaded });

  if (!status.can_upload)
    return (
      <p
        className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground"
        data-testid="no-upload"
      >
        You can look at the family’s photos here. Sharing them is for grown-ups unless an admin allows it in
        the family settings.
      </p>
    );

  const note = status.scanner === 'unavailable' && <ScannerNote status={status} />;
  if (noteOnly) return note || null;

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...e.dataTransfer.files];
    if (files.length) add(files);
  };

  return (
    <div className="flex flex-col gap-3">
      {note}
      <section
        aria-label="Add photos"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        className={cn(
          'flex flex-col items-center gap-2 rounded-xl border-2 border-dashed p-5 text-center text-sm transition-colors motion-reduce:transition-none',
          over ? 'border-primary bg-orange-50' : 'border-border',
        )}
      >
        <Upload className="size-6 text-primary" aria-hidden="true" />
        <p>Drop photos, videos or PDFs here, or</p>
        <input
          ref={input}
          id={`${id}-files`}
          type="file"
          multiple
          accept={ACCEPT}
          className="sr-only"
          aria-label="Choose files to share"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) add(files);
          }}
        />
        <Button onClick={() => input.current?.click()}>Choose files</Button>
        <p className="text-xs text-muted-foreground">
          Up to {formatSize(limitFor(kind, status))} each. Location is taken out of photos unless the family
          chose to keep it.
        </p>
      </section>
      {items.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label="Uploads">
          {items.map((item) => (
            <UploadRow key={item.key} item={item} onDismiss={() => dismiss(item.key)} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** Why uploads are off, said before anyone tries (the hub's own words). */
export function ScannerNote({ status }: { status: MediaStatus }) {
  return (
    <Alert className="flex items-start gap-2 border-amber-300 bg-amber-50" data-testid="scanner-note">
      <ShieldAlert className="mt-0.5 size-4 shrink-0 text-amber-700" aria-hidden="true" />
      <span>{status.scanner_note || SCANNER_OFF}</span>
    </Alert>
  );
}

function UploadRow({ item, onDismiss }: { item: Item; onDismiss: () => void }) {
  const name = item.file.name;
  return (
    <li className="rounded-lg border bg-card px-3 py-2" aria-label={name} data-state={item.state}>
      <div className="flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate text-sm font-medium">{name}</span>
        <span className="shrink-0 text-xs text-muted-foreground">{formatSize(item.file.size)}</span>
        {item.state === 'sending' ? (
          <Button variant="ghost" size="sm" aria-label={`Cancel ${name}`} onClick={() => item.abort.abort()}>
            Cancel
          </Button>
        ) : (
          <Button variant="ghost" size="icon-sm" aria-label={`Dismiss ${name}`} onClick={onDismiss}>
            <X />
          </Button>
        )}
      </div>
      {item.state === 'sending' && (
        <ProgressBar
          className="mt-1.5"
          label={`Uploading ${name}`}
          value={item.loaded}
          max={item.file.size}
        />
      )}
      <p className="text-xs" role={item.state === 'failed' ? 'alert' : 'status'}>
        {item.state === 'done' ? (
          <span className="text-emerald-700">Shared.</span>
        ) : item.state === 'cancelled' ? (
          <span className="text-muted-foreground">Cancelled.</span>
        ) : item.state === 'failed' ? (
          <span className="text-destructive" data-testid="upload-error">
            {item.error}
          </span>
        ) : null}
      </p>
    </li>
  );
}
