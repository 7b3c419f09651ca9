// Files on their way into a message: each uploads as soon as it is picked, dropped or pasted
// (media's uploadFile, with progress), and can be removed (its upload cancelled) before the
// message is sent. Send waits until none is still uploading.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatAttachment } from '../../../contracts/chat.api.ts';
import type { UploadResponse } from '../../../contracts/media.api.ts';
import { isAbort, uploadFile } from '../media/upload.ts';
import { limitFor, uploadErrorMessage } from '../media/words.ts';

export const MAX_ATTACHMENTS = 10;

export type Pending = {
  key: string;
  name: string;
  type: string;
  size: number;
  /** 0 to 1. */
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  /** Why it failed, in words for the person. */
  error: string | null;
  /** A local picture of an image, for the tray (revoked when it goes). */
  preview: string | null;
  uploaded: UploadResponse | null;
};

export type PendingAttachments = ReturnType<typeof usePendingAttachments>;

let counter = 0;

export function usePendingAttachments() {
  const [items, setItems] = useState<Pending[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const controllers = useRef(new Map<string, AbortController>());
  const count = useRef(0);

  const patch = useCallback((key: string, change: Partial<Pending>) => {
    setItems((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      const room = MAX_ATTACHMENTS - count.current;
      const taken = [...files].slice(0, Math.max(room, 0));
      const refused = [...files].length - taken.length;
      setNotice(refused > 0 ? `A message takes at most ${MAX_ATTACHMENTS} files.` : null);
      const added: Pending[] = taken.map((file) => ({
        key: `a${++counter}`,
        name: file.name || 'pasted image',
        type: file.type,
        size: file.size,
        progress: 0,
        status: 'uploading',
        error: null,
        preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
        uploaded: null,
      }));
      count.current += added.length;
      setItems((list) => [...list, ...added]);
      added.forEach((p, i) => {
        const file = taken[i] as File;
        const controller = new AbortController();
        controllers.current.set(p.key, controller);
        uploadFile(
          file,
          'attachment',
          ({ loaded, total }) => patch(p.key, { progress: total > 0 ? Math.min(loaded / total, 1) : 0 }),
          controller.signal,
        )
          .then((uploaded) => patch(p.key, { status: 'done', progress: 1, uploaded }))
          .catch((err: unknown) => {
            if (isAbort(err)) return;
            const error = uploadErrorMessage(err, { limit: limitFor('attachment', null) });
            patch(p.key, { status: 'failed', error });
          })
          .finally(() => controllers.current.delete(p.key));
      });
    },
    [patch],
  );

  // Side effects stay out of state updaters (React may call those twice): what goes is read
  // from the last render's list.
  const latest = useRef(items);
  latest.current = items;

  const drop = useCallback((list: Pending[]) => {
    for (const p of list) {
      controllers.current.get(p.key)?.abort();
      if (p.preview) URL.revokeObjectURL(p.preview);
    }
    count.current = Math.max(count.current - list.length, 0);
  }, []);

  const remove = useCallback(
    (key: string) => {
      drop(latest.current.filter((p) => p.key === key));
      setItems((list) => list.filter((p) => p.key !== key));
      setNotice(null);
    },
    [drop],
  );

  /** Everything goes: sent, or the conversation changed. */
  const clear = useCallback(() => {
    drop(latest.current);
    setItems([]);
    setNotice(null);
  }, [drop]);

  // Uploads still running when the composer goes are cancelled.
  useEffect(() => () => drop(latest.current), [drop]);

  return {
    items,
    notice,
    add,
    remove,
    clear,
    uploading: items.some((p) => p.status === 'uploading'),
    /** What the message will carry: the uploads that finished, in the order they were added. */
    ready: (): ChatAttachment[] => items.flatMap((p) => (p.uploaded ? [toAttachment(p, p.uploaded)] : [])),
  };
}

/** How the message shows before the server's echo: what the upload answered, plus the file's own. */
function toAttachment(p: Pending, u: UploadResponse): ChatAttachment {
  return {
    id: u.id,
    url: u.url,
    thumbnail_url: u.thumbnail_url,
    content_type: p.type || 'application/octet-stream',
    file_name: p.name,
    size_bytes: u.size_bytes,
    width: null,
    height: null,
  };
}

/** The files a paste or a drop carries (a pasted screenshot comes as an image item). */
export function filesIn(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files.length > 0) return [...data.files];
  return [...data.items].flatMap((item) => {
    const file = item.kind === 'file' ? item.getAsFile() : null;
    return file ? [file] : [];
  });
}
