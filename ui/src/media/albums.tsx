// Albums: any member makes one and adds to it from the viewer; each opens as its own grid.
import { FolderPlus, ImagePlus } from 'lucide-react';
import { type FormEvent, useId, useState } from 'react';
import type { Album, MediaFile } from '../../../contracts/media.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import type { User } from '../identity/api.ts';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { addToAlbum, createAlbum, getAlbum, getAlbums } from './api.ts';
import { useCanDelete } from './grants.ts';
import { Empty, LoadError, Loading, Section, selectClass, useLoad } from './parts.tsx';
import { Tile } from './thumb.tsx';
import { Viewer } from './viewer.tsx';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function AlbumsScreen() {
  const albums = useLoad((after) => getAlbums(after));
  const id = useId();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const name = title.trim();
    if (!name) return;
    setBusy(true);
    setError(null);
    try {
      const made = await createAlbum(name);
      setTitle('');
      await albums.reload(made.seq);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-col gap-4">
      <Section title="New album" description="Anyone in the family can make one and add to it.">
        <form className="flex flex-wrap items-end gap-2" onSubmit={create} aria-label="New album">
          <div className="flex min-w-48 flex-1 flex-col gap-1.5">
            <label htmlFor={`${id}-title`} className="text-sm font-medium">
              Album title
            </label>
            <Input
              id={`${id}-title`}
              value={title}
              maxLength={120}
              placeholder="Summer at Gran’s"
              onChange={(e) => setTitle(e.target.value)}
            />
          </div>
          <Button type="submit" disabled={busy || !title.trim()}>
            <FolderPlus /> Create album
          </Button>
        </form>
        {error && (
          <p role="alert" className="mt-2 text-sm text-destructive">
            {error}
          </p>
        )}
      </Section>
      {albums.error && !albums.data ? (
        <LoadError message={albums.error} onRetry={() => void albums.reload()} />
      ) : !albums.data ? (
        <Loading what="the albums" />
      ) : albums.data.albums.length === 0 ? (
        <Empty>No albums yet.</Empty>
      ) : (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" aria-label="Albums">
          {albums.data.albums.map((a) => (
            <li key={a.id}>
              <AlbumCard album={a} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AlbumCard({ album }: { album: Album }) {
  const href = `/gallery/albums/${album.id}`;
  return (
    <a
      href={href}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
      className="block overflow-hidden rounded-xl border bg-card shadow-sm hover:bg-accent"
    >
      <div className="aspect-[4/3] bg-muted">
        {album.cover_thumbnail_url && (
          <img src={album.cover_thumbnail_url} alt="" loading="lazy" className="size-full object-cover" />
        )}
      </div>
      <div className="px-3 py-2">
        <p className="truncate text-sm font-medium">{album.title}</p>
        <p className="text-xs text-muted-foreground">{plural(album.count, 'item')}</p>
      </div>
    </a>
  );
}

export function AlbumScreen({ me, albumId }: { me: User; albumId: string }) {
  const detail = useLoad((after) => getAlbum(albumId, after));
  const [open, setOpen] = useState<number | null>(null);
  const canDelete = useCanDelete(me);
  if (detail.error && !detail.data)
    return <LoadError message={detail.error} onRetry={() => void detail.reload()} />;
  if (!detail.data) return <Loading what="the album" />;
  const { album, files } = detail.data;
  const deleted = (f: MediaFile) => {
    const rest = files.filter((x) => x.id !== f.id);
    detail.setData({ album: { ...album, count: rest.length }, files: rest });
    if (rest.length === 0) setOpen(null);
    else if (open !== null && open >= rest.length) setOpen(rest.length - 1);
  };
  return (
    <div className="flex flex-col gap-3">
      <div>
        <h2 className="text-lg font-semibold" data-testid="album-title">
          {album.title}
        </h2>
        <p className="text-sm text-muted-foreground">{plural(album.count, 'item')}</p>
      </div>
      {files.length === 0 ? (
        <Empty>Nothing in this album yet. Open a photo in the gallery and add it here.</Empty>
      ) : (
        <ul
          className="grid grid-cols-3 gap-1.5 sm:grid-cols-4 md:grid-cols-5"
          aria-label={`${album.title} album`}
        >
          {files.map((f, i) => (
            <li key={f.id}>
              <Tile file={f} onOpen={() => setOpen(i)} />
            </li>
          ))}
        </ul>
      )}
      {open !== null && files[open] && (
        <Viewer
          files={files}
          index={open}
          onIndex={setOpen}
          onClose={() => setOpen(null)}
          canDelete={canDelete}
          onDeleted={deleted}
        />
      )}
    </div>
  );
}

/** In the viewer: pick an album and add the file shown. */
export function AddToAlbum({ file }: { file: MediaFile }) {
  const albums = useLoad(() => getAlbums());
  const id = useId();
  const [chosen, setChosen] = useState('');
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const list = albums.data?.albums ?? [];
  if (list.length === 0) return null;
  const target = chosen || list[0]?.id || '';

  const add = async () => {
    setBusy(true);
    setSaid('');
    try {
      await addToAlbum(target, file.id);
      setSaid(`Added to ${list.find((a) => a.id === target)?.title ?? 'the album'}.`);
    } catch (err) {
      setSaid(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex items-center gap-1.5">
      <span role="status" className="sr-only text-xs text-white/80 sm:not-sr-only">
        {said}
      </span>
      <label htmlFor={`${id}-album`} className="sr-only">
        Album
      </label>
      <select
        id={`${id}-album`}
        className={`${selectClass} max-w-40 bg-black text-white`}
        value={target}
        onChange={(e) => {
          setSaid('');
          setChosen(e.target.value);
        }}
      >
        {list.map((a) => (
          <option key={a.id} value={a.id}>
            {a.title}
          </option>
        ))}
      </select>
      <Button
        variant="ghost"
        size="sm"
        className="text-white hover:bg-white/15 hover:text-white"
        disabled={busy}
        onClick={() => void add()}
      >
        <ImagePlus /> Add to album
      </Button>
    </div>
  );
}
