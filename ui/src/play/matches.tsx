// Matches: report one (1 v 1, or a free-for-all of up to 8), confirm or reject what others
// reported, and (admins) void one that counts. A settled match shows each rating change.
import { useMemo } from 'react';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { getMatches } from './api.ts';
import { MatchList } from './match-list.tsx';
import { Empty, LoadError, Loading, Section } from './parts.tsx';
import { ReportMatch } from './report-match.tsx';
import { usePlayData } from './store.tsx';

/** Reports waiting for someone's confirmation are not pushed: look again this often. */
const POLL_MS = 15_000;

export function MatchesScreen({ me }: { me: User }) {
  const { data, error, reload } = usePlayData('matches', getMatches, { everyMs: POLL_MS });
  const admin = useCan('play.manage');
  const player = useCan('play.play');
  const games = useMemo(() => [...new Set((data ?? []).map((m) => m.game_name))].sort(), [data]);
  const waiting = (data ?? []).filter(
    (m) => m.status === 'reported' && m.placements.some((p) => p.user_id === me.id && !p.confirmed),
  ).length;

  return (
    <div className="flex flex-col gap-4">
      {player && <ReportMatch me={me} games={games} />}
      <Section
        title="Matches"
        description={
          waiting > 0
            ? `${waiting} ${waiting === 1 ? 'match waits' : 'matches wait'} for your confirmation.`
            : 'A match counts once every other player has confirmed it.'
        }
      >
        {error && !data && <LoadError message={error} onRetry={reload} />}
        {!data && !error && <Loading what="matches" />}
        {data?.length === 0 && <Empty>No matches yet. Played something? Report it above.</Empty>}
        {data && data.length > 0 && <MatchList matches={data} me={me} admin={admin} />}
      </Section>
    </div>
  );
}
