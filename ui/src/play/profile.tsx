// A member's profile: level and the XP bar to the next one, this week, rank, streak, ratings,
// achievements earned and within reach, and "Why this XP?": every grant with its rule.
import { Award, ChevronDown, Flame, Lock, Medal, Sparkles, Trophy } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import type { Profile } from '../../../contracts/play.api.ts';
import { Avatar } from '../components/ui/avatar.tsx';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { cn } from '../lib/utils.ts';
import { AvatarChange } from '../media/avatar-change.tsx';
import { useCanUpload } from '../media/can-upload.ts';
import { getMyProfile, getProfile, getXp } from './api.ts';
import {
  describeSource,
  formatDate,
  formatNumber,
  formatRating,
  formatWhen,
  METRIC_LABELS,
  ordinal,
  plural,
} from './format.ts';
import { Empty, LoadError, Loading, Pill, ProgressBar, Section } from './parts.tsx';
import { usePlayData } from './store.tsx';

export function ProfileScreen({ me, userId }: { me: User; userId: string | null }) {
  const id = userId ?? me.id;
  const mine = id === me.id;
  const { data, error, reload } = usePlayData(`profile:${id}`, (after) =>
    mine ? getMyProfile(after) : getProfile(id, after),
  );
  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data) return <Loading what="the profile" />;
  return (
    <div className="flex flex-col gap-4">
      <Hero profile={data} mine={mine} me={me} />
      <XpExplanation userId={id} mine={mine} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Ratings profile={data} />
        <Achievements profile={data} />
      </div>
    </div>
  );
}

function Hero({ profile: p, mine, me }: { profile: Profile; mine: boolean; me: User }) {
  const toNext = Math.max(0, p.next_level_xp - p.xp);
  // A child changes their photo only when the family lets children upload.
  const mayUpload = useCanUpload(me);
  return (
    <section
      aria-label={mine ? 'Your level' : `${p.name}’s level`}
      data-can-upload={mine && mayUpload !== null ? String(mayUpload) : undefined}
      className="rounded-xl border bg-gradient-to-br from-orange-50 to-card p-4 shadow-sm md:p-5"
    >
      <div className="flex items-center gap-3">
        <Avatar name={p.name} seed={p.user_id} className="size-12 text-base" />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-lg font-semibold" data-testid="profile-name">
            {p.name}
          </h2>
          <p className="text-sm text-muted-foreground">{mine ? 'Your progress' : 'Family member'}</p>
        </div>
        {mine && mayUpload && <AvatarChange me={me} />}
        <div className="flex flex-col items-center rounded-xl bg-primary px-3 py-1.5 text-primary-foreground shadow-sm">
          {/* Full strength: faded, the label fell to 3.7:1 on the badge. */}
          <span className="text-[11px] font-semibold uppercase tracking-wider">Level</span>
          <span className="text-2xl leading-none font-bold" data-testid="level">
            {p.level}
          </span>
        </div>
      </div>
      <div className="mt-4">
        <ProgressBar
          label="Level progress"
          value={p.xp}
          min={p.level_start_xp}
          max={p.next_level_xp}
          className="h-3"
        />
        <div className="mt-1.5 flex flex-wrap justify-between gap-x-4 text-xs text-muted-foreground">
          <span>
            <span className="font-medium text-foreground" data-testid="xp">
              {formatNumber(p.xp)} XP
            </span>{' '}
            (level {p.level} starts at {formatNumber(p.level_start_xp)})
          </span>
          <span>
            {formatNumber(toNext)} XP to level {p.level + 1}
          </span>
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Stat
          icon={<Sparkles />}
          label="This week"
          value={`${formatNumber(p.week_xp)} XP`}
          testId="week-xp"
        />
        <Stat
          icon={<Trophy />}
          label="Rank"
          value={p.rank ? ordinal(p.rank) : '—'}
          hint={p.week_rank ? `${ordinal(p.week_rank)} this week` : 'Not ranked this week'}
          testId="rank"
        />
        <Stat
          icon={<Flame />}
          label="Streak"
          value={plural(p.streak.current, 'day')}
          hint={`Longest ${plural(p.streak.longest, 'day')}`}
          testId="streak"
        />
        <Stat
          icon={<Award />}
          label="Achievements"
          value={`${p.achievements.length} of ${p.achievements_available.length}`}
          testId="achievement-count"
        />
      </dl>
    </section>
  );
}

function Stat({
  icon,
  label,
  value,
  hint,
  testId,
}: {
  icon: ReactNode;
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <div className="rounded-lg border bg-background/70 px-3 py-2">
      <dt className="flex items-center gap-1 text-xs text-muted-foreground [&_svg]:size-3.5">
        {icon}
        {label}
      </dt>
      <dd className="text-base font-semibold" data-testid={testId}>
        {value}
      </dd>
      {hint && <dd className="text-xs text-muted-foreground">{hint}</dd>}
    </div>
  );
}

function XpExplanation({ userId, mine }: { userId: string; mine: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-label="Why this XP?" className="rounded-xl border bg-card shadow-sm">
      <Button
        variant="ghost"
        className="h-auto w-full justify-between rounded-xl px-4 py-3 md:px-5"
        aria-expanded={open}
        aria-controls="xp-grants"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="font-semibold">Why this XP?</span>
        <ChevronDown className={cn('transition-transform', open && 'rotate-180')} />
      </Button>
      {open && (
        <div id="xp-grants" className="border-t px-4 pt-3 pb-4 md:px-5">
          <Grants userId={userId} mine={mine} />
        </div>
      )}
    </section>
  );
}

function Grants({ userId, mine }: { userId: string; mine: boolean }) {
  const { data, error, reload } = usePlayData(`xp:${userId}`, (after) => getXp(userId, after));
  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data) return <Loading what="the XP" />;
  if (data.grants.length === 0)
    return (
      <Empty>{mine ? 'No XP yet: say hello in the chat, play a match or do a chore.' : 'No XP yet.'}</Empty>
    );
  const grants = [...data.grants].reverse();
  return (
    <div>
      <p className="mb-2 text-sm text-muted-foreground">
        Every grant of XP under the rules in force (version {data.rules_version}), newest first.
      </p>
      <table className="w-full text-sm" aria-label="XP grants">
        <thead className="text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              For
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              XP
            </th>
          </tr>
        </thead>
        <tbody>
          {grants.map((g) => (
            <tr
              key={`${g.rule_id}:${g.source.kind === 'event' ? g.source.seq : g.day}`}
              className="border-t align-top"
            >
              <td className="py-1.5 pr-3">
                <p>{describeSource(g.source)}</p>
                <p className="text-xs text-muted-foreground">
                  <span className="sr-only">Rule </span>
                  <code className="rounded bg-muted px-1 text-foreground">{g.rule_id}</code> v{g.rule_version}
                  {' · '}
                  <time dateTime={g.at}>{formatWhen(g.at)}</time>
                </p>
              </td>
              <td className="py-1.5 text-right font-medium tabular-nums">+{formatNumber(g.xp)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t font-semibold">
            <td className="py-1.5">Total</td>
            <td className="py-1.5 text-right tabular-nums">{formatNumber(data.xp)} XP</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Ratings({ profile: p }: { profile: Profile }) {
  return (
    <Section title="Ratings" description="Elo per game, from matches that count.">
      {p.ratings.length === 0 ? (
        <Empty>No rated games yet. Report a match to get a rating.</Empty>
      ) : (
        <ul className="divide-y" aria-label="Ratings per game">
          {p.ratings.map((r) => (
            <li key={r.game} className="flex items-center gap-3 py-2" aria-label={`${r.game_name} rating`}>
              <Medal className="size-4 shrink-0 text-primary" aria-hidden="true" />
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">{r.game_name}</p>
                <p className="text-xs text-muted-foreground">{plural(r.games, 'game')}</p>
              </div>
              {r.provisional && (
                <Pill tone="waiting" title="Fewer games than needed for an established rating">
                  provisional
                </Pill>
              )}
              <span className="text-lg font-semibold tabular-nums" data-testid="rating">
                {formatRating(r.rating)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Achievements({ profile: p }: { profile: Profile }) {
  const earned = p.achievements_available.filter((a) => a.earned_at);
  // Earned under rules since removed: still theirs.
  const retired = p.achievements.filter((a) => !p.achievements_available.some((x) => x.id === a.id));
  const open = p.achievements_available.filter((a) => !a.earned_at);
  return (
    <Section title="Achievements">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted-foreground uppercase">Earned</h3>
      {earned.length + retired.length === 0 ? (
        <p className="mb-3 text-sm text-muted-foreground">None yet.</p>
      ) : (
        <ul className="mb-3 flex flex-col gap-1.5" aria-label="Earned achievements">
          {[...earned, ...retired].map((a) => (
            <li key={a.id} className="flex items-center gap-2 rounded-lg bg-orange-50 px-3 py-2">
              <Award className="size-5 shrink-0 text-primary" aria-hidden="true" />
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">{a.title}</p>
                {'description' in a && a.description && (
                  <p className="truncate text-xs text-muted-foreground">{a.description}</p>
                )}
              </div>
              {a.earned_at && (
                <time dateTime={a.earned_at} className="text-xs text-muted-foreground whitespace-nowrap">
                  {formatDate(a.earned_at)}
                </time>
              )}
            </li>
          ))}
        </ul>
      )}
      {open.length > 0 && (
        <>
          <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            Within reach
          </h3>
          <ul className="flex flex-col gap-2" aria-label="Available achievements">
            {open.map((a) => (
              <li key={a.id} className="rounded-lg border px-3 py-2">
                <div className="flex items-center gap-2">
                  <Lock className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
                  <p className="min-w-0 flex-1 truncate text-sm font-medium">{a.title}</p>
                  <span className="text-xs text-muted-foreground tabular-nums">
                    {formatNumber(a.progress)} / {formatNumber(a.threshold)}
                  </span>
                </div>
                <p className="mt-0.5 mb-1.5 text-xs text-muted-foreground">
                  {a.description ?? METRIC_LABELS[a.metric]}
                </p>
                <ProgressBar label={`Progress towards ${a.title}`} value={a.progress} max={a.threshold} />
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
