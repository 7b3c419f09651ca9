// The family gallery inside the signed-in page: photos and videos newest first, and albums.
// The path says which: /gallery, /gallery/albums, /gallery/albums/:id.
import { ArrowLeft, Images } from 'lucide-react';
import { memo } from 'react';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { AlbumScreen, AlbumsScreen } from './albums.tsx';
import { GalleryScreen } from './gallery.tsx';

/** Whether a path is one of the gallery's. */
export const isGalleryPath = (path: string) => path === '/gallery' || path.startsWith('/gallery/');

const TABS = [
  { path: '/gallery', label: 'Photos' },
  { path: '/gallery/albums', label: 'Albums' },
];

/** Memoised: the signed-in page re-renders on every chat frame; the gallery need not. */
export const GalleryPage = memo(function GalleryPage({ me, path }: { me: User; path: string }) {
  const album = /^\/gallery\/albums\/([A-Za-z0-9_-]{1,128})$/.exec(path)?.[1] ?? null;
  const active = album ? '/gallery/albums' : path.replace(/\/+$/, '');
  const title = TABS.find((t) => t.path === active)?.label ?? 'Gallery';
  usePageTitle(`${title} · Gallery`);

  return (
    <section aria-label="Gallery" className="flex min-h-0 flex-1 flex-col">
      <header className="border-b">
        <div className="flex items-center gap-2 px-2 pt-2 md:px-4">
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-label="All channels"
            onClick={() => navigate('/')}
          >
            <ArrowLeft />
          </Button>
          <Images className="size-5 text-primary" aria-hidden="true" />
          <h1 className="font-semibold">
            Gallery<span className="sr-only">: {title}</span>
          </h1>
        </div>
        <nav aria-label="Gallery sections" className="px-1 md:px-3">
          <ul className="flex gap-x-1">
            {TABS.map((t) => (
              <li key={t.path}>
                <a
                  href={t.path}
                  aria-current={t.path === active ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(t.path);
                  }}
                  className={cn(
                    'flex items-center border-b-2 px-3 py-2.5 text-sm whitespace-nowrap',
                    t.path === active
                      ? 'border-primary font-medium text-foreground'
                      : 'border-transparent text-muted-foreground hover:text-foreground',
                  )}
                >
                  {t.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-muted/20">
        <div className="mx-auto w-full max-w-5xl p-3 pb-[max(1rem,env(safe-area-inset-bottom))] md:p-6">
          {album ? (
            <AlbumScreen key={album} me={me} albumId={album} />
          ) : active === '/gallery/albums' ? (
            <AlbumsScreen />
          ) : active === '/gallery' ? (
            <GalleryScreen me={me} />
          ) : (
            <p className="py-10 text-center text-sm text-muted-foreground">Nothing here.</p>
          )}
        </div>
      </div>
    </section>
  );
});
