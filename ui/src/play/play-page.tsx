// Play inside the signed-in page: a header with the sections (profile, boards, matches,
// challenges, chores, and the rules for whoever may manage play, as the edge says) and the
// section the path names. On a phone the sections wrap onto a second line rather than
// scrolling out of sight.
import { ArrowLeft, ClipboardCheck, Scale, Swords, Target, Trophy, UserRound } from 'lucide-react';
import { memo, type ReactNode } from 'react';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { type Grant, useCan } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { ChallengesScreen } from './challenges.tsx';
import { ChoresScreen } from './chores.tsx';
import { LeaderboardsScreen } from './leaderboards.tsx';
import { MatchesScreen } from './matches.tsx';
import { ProfileScreen } from './profile.tsx';
import { RulesScreen } from './rules.tsx';

type Tab = { path: string; label: string; icon: ReactNode; requires?: Grant };

const TABS: Tab[] = [
  { path: '/play', label: 'Profile', icon: <UserRound /> },
  { path: '/play/boards', label: 'Leaderboards', icon: <Trophy /> },
  { path: '/play/matches', label: 'Matches', icon: <Swords /> },
  { path: '/play/challenges', label: 'Challenges', icon: <Target /> },
  { path: '/play/chores', label: 'Chores', icon: <ClipboardCheck /> },
  { path: '/play/rules', label: 'Rules', icon: <Scale />, requires: 'play.manage' },
];

/** Whether a path is one of play's. */
export const isPlayPath = (path: string) => path === '/play' || path.startsWith('/play/');

/** Memoised: the signed-in page re-renders on every chat frame; play's screens need not. */
export const PlayPage = memo(function PlayPage({ me, path }: { me: User; path: string }) {
  const member = /^\/play\/members\/([A-Za-z0-9_-]{1,128})$/.exec(path)?.[1] ?? null;
  const manage = useCan('play.manage');
  const tabs = TABS.filter((t) => t.requires !== 'play.manage' || manage);
  const active = member ? (member === me.id ? '/play' : '/play/boards') : path;
  const title = TABS.find((t) => t.path === active)?.label ?? 'Play';
  usePageTitle(title === 'Play' ? 'Play' : `${title} · Play`);

  return (
    <section aria-label="Play" className="flex min-h-0 flex-1 flex-col">
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
          <Trophy className="size-5 text-primary" aria-hidden="true" />
          <h1 className="font-semibold" data-testid="play-title">
            Play<span className="sr-only">: {title}</span>
          </h1>
        </div>
        <nav aria-label="Play sections" className="px-1 md:px-3">
          <ul className="flex flex-wrap gap-x-1">
            {tabs.map((t) => (
              <li key={t.path}>
                <a
                  href={t.path}
                  data-requires={t.requires}
                  aria-current={t.path === active ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(t.path);
                  }}
                  className={cn(
                    'flex items-center gap-1.5 border-b-2 px-2.5 py-2.5 text-sm whitespace-nowrap transition-colors motion-reduce:transition-none sm:px-3 [&_svg]:size-4',
                    t.path === active
                      ? 'border-primary font-medium text-foreground'
                      : 'border-transparent text-muted-foreground hover:text-foreground',
                  )}
                >
                  {t.icon}
                  {t.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto bg-muted/20">
        <div className="mx-auto w-full max-w-4xl p-3 pb-[max(1rem,env(safe-area-inset-bottom))] md:p-6">
          <Screen me={me} path={path} member={member} />
        </div>
      </div>
    </section>
  );
});

function Screen({ me, path, member }: { me: User; path: string; member: string | null }) {
  if (member) return <ProfileScreen key={member} me={me} userId={member} />;
  switch (path) {
    case '/play':
      return <ProfileScreen me={me} userId={null} />;
    case '/play/boards':
      return <LeaderboardsScreen me={me} />;
    case '/play/matches':
      return <MatchesScreen me={me} />;
    case '/play/challenges':
      return <ChallengesScreen me={me} />;
    case '/play/chores':
      return <ChoresScreen me={me} />;
    case '/play/rules':
      return <RulesScreen me={me} />;
    default:
      return (
        <p className="py-10 text-center text-sm text-muted-foreground">
          Nothing here.{' '}
          <a
            href="/play"
            className="text-primary underline-offset-4 hover:underline"
            onClick={(e) => {
              e.preventDefault();
              navigate('/play');
            }}
          >
            Back to your profile
          </a>
        </p>
      );
  }
}
