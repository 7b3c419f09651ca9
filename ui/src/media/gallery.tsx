// The family's photos and videos, newest first, grouped by month, filtered by person, a page
// at a time (more as the end comes into view). "Add photos" opens the upload panel; a tile
// opens the viewer.
import { Plus } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AllowedContentType, MediaFile, MediaStatus } from '../../../contracts/media.api.ts';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { loadPeople, type Person } from '../identity/people.ts';
import { errorMessage } from '../lib/http.ts';
import { AddToAlbum } from './albums.tsx';
import { getMedia, getStatus } from './api.ts';
import { useCanDelete } from './grants.ts';
import { Empty, LoadError, Loading, selectClass, useLoad } from './parts.tsx';
import { Tile } from './thumb.tsx';
import { type Uploaded, UploadPanel } from './upload-panel.tsx';
import { Viewer } from './viewer.tsx';
import { byMonth, shownAs } from './words.ts';

const PAGE = 24;

/** The new file as the page knows it before the gallery's read model has it. */
function provisional({ response, file }: Uploaded, me: User): MediaFile {
  return {
    ...response,
    kind: 'photo',
    content_type: (file.type || 'image/jpeg') as AllowedContentType,
    file_name: file.name,
    owner_id: me.id,
    owner_name: me.name,
    width: null,
    height: null,
    thumbnail_note: '',
    created_at: new Date().toISOString(),
    seq: 0,
  };
}

export function GalleryScreen({ me }: { me: User }) {
  const status = useLoad(getStatus);
  const [people, setPeople] = useState<Person[]>([]);
  const [owner, setOwner] = useState('');
  const [files, setFiles] = useState<MediaFile[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [adding, setAdding] = useState(false);
  const [fresh, setFresh] = useState<MediaFile[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const canDelete = useCanDelete(me);
  const filterId = useId();
  const asked = useRef(0);

  useEffect(() => {
    loadPeople()
      .then(setPeople)
      .catch(() => undefined); // the filter is a nicety: without names it offers only everyone
  }, []);

  const first = useCallback(
    async (after?: number) => {
      const mine = ++asked.current;
      try {
        const page = await getMedia({ owner: owner || null, limit: PAGE, ...(after && { after }) });
        if (mine !== asked.current) return;
        setFiles(page.files);
        setNext(page.next_before);
        setError(null);
      } catch (err) {
        if (mine === asked.current) setError(errorMessage(err));
      }
    },
    [owner],
  );
  useEffect(() => {
    setFiles(null);
    void first();
  }, [first]);

  const loadMore = useCallback(async () => {
    if (!next || more) return;
    const mine = asked.current;
    setMore(true);
    try {
      const page = await getMedia({ owner: owner || null, limit: PAGE, before: next });
      if (mine !== asked.current) return;
      setFiles((all) => [...(all ?? []), ...page.files.filter((f) => !all?.some((a) => a.id === f.id))]);
      setNext(page.next_before);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setMore(false);
    }
  }, [next, more, owner]);

  const uploaded = (u: Uploaded) => {
    setFresh((all) => [provisional(u, me), ...all]);
    const seq = (u.response as { seq?: unknown }).seq;
    void first(typeof seq === 'number' ? seq : undefined);
  };

  // What the read model has not shown yet stays in front, as the page heard it.
  const known = new Set(files?.map((f) => f.id));
  const shown = [
    ...(owner === '' || owner === me.id ? fresh.filter((f) => !known.has(f.id)) : []),
    ...(files ?? []),
  ];

  const deleted = (f: MediaFile) => {
    setFiles((all) => all?.filter((a) => a.id !== f.id) ?? null);
    setFresh((all) => all.filter((a) => a.id !== f.id));
    if (shown.length <= 1) setOpen(null);
    else if (open !== null && open >= shown.length - 1) setOpen(shown.length - 2);
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={filterId} className="text-sm text-muted-foreground">
          Shared by
        </label>
        <select
          id={filterId}
          className={selectClass}
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
        >
          <option value="">Everyone</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id === me.id ? `${p.name} (you)` : p.name}
            </option>
          ))}
        </select>
        <span className="flex-1" />
        {status.data?.can_upload && (
          <Button
            variant={adding ? 'secondary' : 'default'}
            aria-expanded={adding}
            onClick={() => setAdding((a) => !a)}
          >
            <Plus /> Add photos
          </Button>
        )}
      </div>
      {status.data && (adding || !status.data.can_upload || status.data.scanner === 'unavailable') && (
        <UploadStatusOrPanel status={status.data} adding={adding} onUploaded={uploaded} />
      )}
      {error && !files ? (
        <LoadError message={error} onRetry={() => void first()} />
      ) : !files ? (
        <Loading what="the gallery" />
      ) : shown.length === 0 ? (
        <Empty>
          {owner ? 'Nothing shared by them yet.' : 'No photos yet. Share the first one with “Add photos”.'}
        </Empty>
      ) : (
        byMonth(shown).map((month) => (
          <section key={month.key} aria-label={month.label} data-testid="month">
            <h2 className="mb-2 text-sm font-semibold text-muted-foreground">{month.label}</h2>
            <ul className="grid grid-cols-3 gap-1.5 sm:grid-cols-4 md:grid-cols-5 lg:grid-cols-6">
              {month.files.map((f) => (
                // A document is a link with its name and size: it needs the room of two tiles.
                <li key={f.id} className={shownAs(f.content_type) === 'pdf' ? 'col-span-2' : undefined}>
                  <Tile file={f} onOpen={() => setOpen(shown.indexOf(f))} />
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
      {files && next && <MoreButton busy={more} onMore={() => void loadMore()} />}
      {error && files && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
      {open !== null && shown[open] && (
        <Viewer
          files={shown}
          index={open}
          onIndex={setOpen}
          onClose={() => setOpen(null)}
          canDelete={canDelete}
          onDeleted={deleted}
          extra={(f) => <AddToAlbum file={f} />}
        />
      )}
    </div>
  );
}

/** The scanner's note and the refusal show before anyone tries; the panel itself when asked. */
function UploadStatusOrPanel({
  status,
  adding,
  onUploaded,
}: {
  status: MediaStatus;
  adding: boolean;
  onUploaded: (u: Uploaded) => void;
}) {
  if (adding || !status.can_upload) return <UploadPanel status={status} onUploaded={onUploaded} />;
  return <UploadPanel status={status} onUploaded={onUploaded} noteOnly />;
}

/** "More": also pressed by itself when it scrolls into view. */
function MoreButton({ busy, onMore }: { busy: boolean; onMore: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  const onMoreRef = useRef(onMore);
  onMoreRef.current = onMore;
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onMoreRef.current();
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, []);
  return (
    <Button ref={ref} variant="outline" className="self-center" disabled={busy} onClick={onMore}>
      {busy ? 'Loading…' : 'Show older'}
    </Button>
  );
}
