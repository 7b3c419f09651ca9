// The boards: XP this week, XP of all time, and Elo per game. Ranks come from the API, so
// a tie shares its rank (1, 1, 3). Live: a boards_changed push reads them again.
import { Crown } from 'lucide-react';
import { useState } from 'react';
import type { BoardRow, EloRow } from '../../../contracts/play.api.ts';
import { Avatar } from '../components/ui/avatar.tsx';
import type { User } from '../identity/api.ts';
import { navigate } from '../lib/route.ts';
import { cn } from '../lib/utils.ts';
import { getBoards } from './api.ts';
import { formatDay, formatNumber, formatRating, plural } from './format.ts';
import { Empty, LoadError, Loading, Pill } from './parts.tsx';
import { usePlayData } from './store.tsx';

type Tab = { id: string; label: string };

export function LeaderboardsScreen({ me }: { me: User }) {
  const { data, error, reload } = usePlayData('boards', getBoards);
  const [tab, setTab] = useState('week');
  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data) return <Loading what="the leaderboards" />;

  const games = Object.keys(data.elo).sort((a, b) => (data.games[a] ?? a).localeCompare(data.games[b] ?? b));
  const tabs: Tab[] = [
    { id: 'week', label: 'This week' },
    { id: 'all', label: 'All time' },
    ...games.map((g) => ({ id: `elo:${g}`, label: data.games[g] ?? g })),
  ];
  const current = tabs.some((t) => t.id === tab) ? tab : 'week';
  const game = current.startsWith('elo:') ? current.slice(4) : null;

  const select = (index: number) => {
    const next = tabs[(index + tabs.length) % tabs.length];
    if (!next) return;
    setTab(next.id);
    document.getElementById(`board-tab-${next.id}`)?.focus();
  };

  return (
    <section aria-label="Leaderboards" className="rounded-xl border bg-card shadow-sm">
      <div
        role="tablist"
        aria-label="Boards"
        className="flex gap-1 overflow-x-auto border-b px-2 pt-2 [scrollbar-width:none]"
      >
        {tabs.map((t, i) => (
          <button
            key={t.id}
            id={`board-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current}
            aria-controls="board-panel"
            tabIndex={t.id === current ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') select(i + 1);
              if (e.key === 'ArrowLeft') select(i - 1);
            }}
            className={cn(
              '-mb-px shrink-0 rounded-t-md border-b-2 px-3 py-2 text-sm whitespace-nowrap transition-colors',
              t.id === current
                ? 'border-primary font-semibold text-foreground'
                : 'border-transparent text-muted-foreground hover:text-foreground',
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="board-panel" role="tabpanel" aria-labelledby={`board-tab-${current}`} className="p-3 md:p-4">
        {current === 'week' && (
          <>
            <p className="mb-2 text-xs text-muted-foreground">Week starting {formatDay(data.week)}</p>
            <Board rows={data.xp_week} me={me} unit="XP" empty="Nobody has earned XP this week yet." />
          </>
        )}
        {current === 'all' && (
          <Board rows={data.xp_all_time} me={me} unit="XP" empty="Nobody has earned XP yet." />
        )}
        {game && (
          <Board rows={data.elo[game] ?? []} me={me} unit="rating" empty="No rated players in this game." />
        )}
      </div>
    </section>
  );
}

function Board({
  rows,
  me,
  unit,
  empty,
}: {
  rows: (BoardRow | EloRow)[];
  me: User;
  unit: 'XP' | 'rating';
  empty: string;
}) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ol className="flex flex-col gap-1" aria-label="Standings">
      {rows.map((r) => {
        const mine = r.user_id === me.id;
        const elo = 'games' in r ? r : null;
        return (
          <li
            key={r.user_id}
            aria-label={`${r.rank}. ${r.name}`}
            className={cn(
              'flex items-center gap-3 rounded-lg px-2 py-2',
              mine ? 'bg-accent' : 'hover:bg-muted/60',
            )}
          >
            <span
              className={cn(
                'flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold tabular-nums',
                r.rank === 1
                  ? 'bg-amber-200 text-amber-900'
                  : r.rank <= 3
                    ? 'bg-orange-100 text-orange-900'
                    : 'text-muted-foreground',
              )}
              data-testid="rank"
            >
              {r.rank === 1 ? <Crown className="size-4" aria-label="1" /> : r.rank}
            </span>
            <Avatar name={r.name} seed={r.user_id} className="size-7" />
            <a
              href={mine ? '/play' : `/play/members/${r.user_id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(mine ? '/play' : `/play/members/${r.user_id}`);
              }}
              className="min-w-0 flex-1 truncate text-sm font-medium hover:underline"
            >
              {r.name}
              {mine && <span className="font-normal text-muted-foreground"> (you)</span>}
            </a>
            {elo && (
              <span className="hidden text-xs text-muted-foreground sm:inline">
                {plural(elo.games, 'game')}
              </span>
            )}
            {elo?.provisional && <Pill tone="waiting">provisional</Pill>}
            <span className="text-sm font-semibold tabular-nums" data-testid="score">
              {unit === 'XP' ? `${formatNumber(r.value)} XP` : formatRating(r.value)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
