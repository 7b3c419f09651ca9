// Home, where a signed-in member lands: what is waiting for them (their unread notifications),
// the family's story (the feed), and this week's board. Children see it too; nothing on it
// comes from a conversation but the member's own notifications.
import { type ReactNode, useEffect, useState } from 'react';
import type { FeedItem, HomeFeed } from '../../../contracts/home.api.ts';
import type { Boards } from '../../../contracts/play.api.ts';
import { Avatar } from '../components/ui/avatar.tsx';
import type { User } from '../identity/api.ts';
import { errorMessage } from '../lib/http.ts';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { getBoards, getFeed } from './api.ts';
import { home, useHome } from './store.ts';
import { ago, feedTitle, notificationTitle, ratingLine } from './words.ts';

export function HomePage({ me }: { me: User }) {
  usePageTitle('Home');
  return (
    <section aria-labelledby="home-title" className="flex min-h-0 flex-1 flex-col overflow-y-auto p-4">
      <h1 id="home-title" className="text-lg font-semibold">
        Home
      </h1>
      <p className="text-sm text-muted-foreground">Welcome back, {me.name}.</p>
      <div className="mt-4 grid gap-4 lg:grid-cols-[1fr_20rem]">
        <div className="flex flex-col gap-4">
          <Waiting />
          <Feed />
        </div>
        <WeekBoard me={me} />
      </div>
    </section>
  );
}

function Link({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  return (
    <a
      href={href}
      data-testid={testId}
      className="underline-offset-4 hover:underline"
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

function Waiting() {
  const page = useHome((s) => s.page);
  const unread = page?.notifications.filter((n) => !n.read) ?? [];
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="waiting-title" className="rounded-xl border bg-card p-4 shadow-sm">
      <div className="flex items-center justify-between gap-2">
        <h2 id="waiting-title" className="font-semibold">
          Waiting for you
        </h2>
        {unread.length > 0 && (
          <button
            type="button"
            className="text-sm text-primary underline-offset-4 hover:underline"
            onClick={() => {
              setError(null);
              home.markAll().catch((err: unknown) => setError(errorMessage(err)));
            }}
          >
            Mark all read
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {!page ? (
        <p className="mt-2 text-sm text-muted-foreground">Loading…</p>
      ) : unread.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">Nothing is waiting for you.</p>
      ) : (
        <ul className="mt-2 flex flex-col gap-2 text-sm" data-testid="waiting">
          {unread.slice(0, 8).map((n) => (
            <li key={n.id}>
              <Link href={n.link}>{notificationTitle(n)}</Link>
              <span className="text-muted-foreground"> · {ago(n.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function useLoaded<T>(load: () => Promise<T>, version: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version says when to read again.
  useEffect(() => {
    let live = true;
    load()
      .then((d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      })
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [load, version]);
  return { data, error };
}

function Feed() {
  const version = useHome((s) => s.feedVersion);
  const { data, error } = useLoaded<HomeFeed>(getFeed, version);
  return (
    <section aria-labelledby="feed-title" className="rounded-xl border bg-card p-4 shadow-sm">
      <h2 id="feed-title" className="font-semibold">
        The family's story
      </h2>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {!data ? (
        !error && <p className="mt-2 text-sm text-muted-foreground">Loading…</p>
      ) : data.items.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">Nothing has happened yet.</p>
      ) : (
        <ol className="mt-2 flex flex-col divide-y text-sm" data-testid="feed">
          {data.items.map((f) => (
            <li key={f.id} className="flex gap-3 py-2" data-testid="feed-item" data-kind={f.kind}>
              {f.actor_id ? (
                <Avatar name={f.actor_name || '?'} seed={f.actor_id} />
              ) : (
                <span className="w-8" />
              )}
              <div className="min-w-0 flex-1">
                <Link href={f.link}>{feedTitle(f)}</Link>
                {f.kind !== 'photos_shared' && (f.detail || f.ratings.length > 0) && (
                  <span className="block text-muted-foreground">
                    {f.kind === 'match_settled'
                      ? ratingLine(f)
                      : f.kind === 'joined'
                        ? `as ${f.detail}`
                        : f.detail}
                  </span>
                )}
                {f.thumbnails.length > 0 && <Thumbnails item={f} />}
                <span className="block text-xs text-muted-foreground">{ago(f.at)}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Up to four of the photos shared, each leading to the gallery where the rest are. */
function Thumbnails({ item }: { item: FeedItem }) {
  return (
    <ul className="mt-1 flex gap-1" aria-label={`Photos shared by ${item.actor_name || 'someone'}`}>
      {item.thumbnails.map((src, i) => (
        <li key={src}>
          <Link href={item.link} testId="feed-thumbnail">
            <img
              src={src}
              alt={`Shared by ${item.actor_name || 'someone'}, ${i + 1} of ${item.thumbnails.length}`}
              loading="lazy"
              className="size-16 rounded-md bg-muted object-cover"
            />
          </Link>
        </li>
      ))}
    </ul>
  );
}

function WeekBoard({ me }: { me: User }) {
  const version = useHome((s) => s.feedVersion);
  const { data, error } = useLoaded<Boards>(getBoards, version);
  return (
    <section aria-labelledby="board-title" className="h-fit rounded-xl border bg-card p-4 shadow-sm">
      <h2 id="board-title" className="font-semibold">
        This week's board
      </h2>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {!data ? (
        !error && <p className="mt-2 text-sm text-muted-foreground">Loading…</p>
      ) : data.xp_week.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">No XP yet this week.</p>
      ) : (
        <ol className="mt-2 flex flex-col gap-1 text-sm" data-testid="week-board">
          {data.xp_week.slice(0, 10).map((r) => (
            <li key={r.user_id} className="flex justify-between gap-2">
              <span className={r.user_id === me.id ? 'font-semibold' : undefined}>
                {r.rank}. {r.name}
              </span>
              <span className="text-muted-foreground">{r.value} XP</span>
            </li>
          ))}
        </ol>
      )}
      <p className="mt-3 text-sm">
        <Link href="/play">All of Play</Link>
      </p>
    </section>
  );
}
