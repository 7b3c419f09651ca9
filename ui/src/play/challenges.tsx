// This week's challenges: each participant's progress towards the target, and who has
// completed it (the reward lands by itself). Whoever may manage play creates and cancels
// them; a new challenge counts from the moment it is created, unless the whole week is asked
// for. After creating one, focus goes to it; after closing the form, back to its opener.
import { CheckCircle2, Gift, Plus, Target } from 'lucide-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Challenge } from '../../../contracts/play.api.ts';
import { CHALLENGE_METRICS, type ChallengeMetric } from '../../../contracts/play.schema.ts';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { cancelChallenge, createChallenge, getChallenges } from './api.ts';
import { NumberField, SelectField, TextField } from './fields.tsx';
import { formatDay, formatNumber, formatWhen, METRIC_LABELS } from './format.ts';
import { Empty, FormError, LoadError, Loading, Pill, ProgressBar, Section } from './parts.tsx';
import { usePickableFamily } from './people.ts';
import { useCommand, usePlayData } from './store.tsx';

export function ChallengesScreen({ me }: { me: User }) {
  const { data, error, reload } = usePlayData('challenges', getChallenges);
  const admin = useCan('play.manage');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  // The new challenge takes focus once the list shows it.
  useEffect(() => {
    if (!created || !data?.challenges.some((c) => c.id === created)) return;
    document.getElementById(`challenge-${created}`)?.focus();
    setCreated(null);
  }, [created, data]);

  return (
    <div className="flex flex-col gap-4">
      <Section
        title="This week’s challenges"
        description={
          data ? `Week starting ${formatDay(data.week)}. Reach the target to earn the reward.` : undefined
        }
        actions={
          admin &&
          !creating && (
            <Button ref={opener} size="sm" data-requires="play.manage" onClick={() => setCreating(true)}>
              <Plus /> New challenge
            </Button>
          )
        }
      >
        {admin && creating && (
          <NewChallenge
            me={me}
            onClose={(id) => {
              setCreating(false);
              if (id) setCreated(id);
              else requestAnimationFrame(() => opener.current?.focus());
            }}
          />
        )}
        {error && !data && <LoadError message={error} onRetry={reload} />}
        {!data && !error && <Loading what="challenges" />}
        {data?.challenges.length === 0 && (
          <Empty>
            {admin ? 'No challenges this week. Create one for the family.' : 'No challenges this week.'}
          </Empty>
        )}
        {data && data.challenges.length > 0 && (
          <ul className="flex flex-col gap-3">
            {data.challenges.map((c) => (
              <li key={c.id}>
                <ChallengeCard challenge={c} me={me} admin={admin} />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function ChallengeCard({ challenge: c, me, admin }: { challenge: Challenge; me: User; admin: boolean }) {
  const { run, busy, error } = useCommand();
  const [confirming, setConfirming] = useState(false);
  const done = c.progress.filter((p) => p.completed).length;
  return (
    <article
      id={`challenge-${c.id}`}
      tabIndex={-1}
      aria-label={c.title}
      className="rounded-lg border p-3 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <header className="flex flex-wrap items-start gap-2">
        <Target className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden="true" />
        <div className="min-w-0 flex-1">
          <h3 className="font-semibold">{c.title}</h3>
          <p className="text-xs text-muted-foreground">
            {METRIC_LABELS[c.metric]}: {formatNumber(c.target)} this week
            {c.member_ids && c.member_ids.length > 0 ? ' · for some of the family' : ' · for everyone'}
          </p>
          <p className="text-xs text-muted-foreground" data-testid="challenge-start">
            {c.starts_at ? `Counts from ${formatWhen(c.starts_at)}` : 'Counts the whole week, from Monday'}
          </p>
        </div>
        <Pill tone="good">
          <Gift className="size-3.5" aria-hidden="true" /> {formatNumber(c.reward_xp)} XP
        </Pill>
      </header>
      {c.progress.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">Nobody is taking part yet.</p>
      ) : (
        <ul className="mt-3 flex flex-col gap-2" aria-label={`Progress on ${c.title}`}>
          {c.progress.map((p) => (
            <li
              key={p.user_id}
              className="grid grid-cols-[minmax(5rem,11rem)_1fr_auto] items-center gap-2 text-sm"
            >
              <span className="truncate">
                {p.name}
                {p.user_id === me.id && <span className="text-muted-foreground"> (you)</span>}
              </span>
              <ProgressBar
                label={`${p.name}: ${c.title}`}
                value={p.progress}
                max={c.target}
                tone={p.completed ? 'done' : 'primary'}
              />
              <span className="flex w-24 items-center justify-end gap-1 text-xs tabular-nums">
                {p.completed ? (
                  <span className="flex items-center gap-1 font-medium text-emerald-700">
                    <CheckCircle2 className="size-3.5" aria-hidden="true" /> Completed
                  </span>
                ) : (
                  `${formatNumber(p.progress)} / ${formatNumber(c.target)}`
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {c.progress.length > 0 && (
        <p className="mt-2 text-xs text-muted-foreground">
          {done} of {c.progress.length} completed
        </p>
      )}
      <FormError message={error?.message} />
      {admin && (
        <div className="mt-2 flex justify-end gap-2" data-requires="play.manage">
          {confirming ? (
            <>
              <span className="self-center text-sm">Cancel this challenge?</span>
              <Button
                size="sm"
                variant="destructive"
                disabled={busy !== null}
                onClick={() => void run('cancel', () => cancelChallenge(c.id))}
              >
                Yes, cancel it
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                Keep it
              </Button>
            </>
          ) : (
            <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
              Cancel challenge
            </Button>
          )}
        </div>
      )}
    </article>
  );
}

function NewChallenge({ me, onClose }: { me: User; onClose: (created?: string) => void }) {
  const family = usePickableFamily(me);
  const { run, busy, error } = useCommand();
  const [title, setTitle] = useState('');
  const [metric, setMetric] = useState<ChallengeMetric>('chores_approved');
  const [target, setTarget] = useState('3');
  const [reward, setReward] = useState('50');
  const [everyone, setEveryone] = useState(true);
  const [members, setMembers] = useState<string[]>([]);
  const [wholeWeek, setWholeWeek] = useState(false);
  const [openedAt] = useState(() => new Date().toISOString());
  const first = useRef<HTMLDivElement>(null);
  useEffect(() => {
    first.current?.querySelector('input')?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run('create', () =>
      createChallenge({
        title: title.trim(),
        metric,
        target: Number(target),
        reward_xp: Number(reward),
        ...(!everyone && members.length > 0 && { member_ids: members }),
        ...(wholeWeek && { from_week_start: true }),
      }),
    );
    if (ok) onClose(ok.id);
  };

  return (
    <form
      aria-label="New challenge"
      onSubmit={submit}
      className="mb-4 flex flex-col gap-3 rounded-lg border bg-muted/40 p-3"
    >
      <div ref={first}>
        <TextField
          id="challenge-title"
          label="Title"
          maxLength={80}
          placeholder="Three chores this week"
          value={title}
          onChange={setTitle}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          id="challenge-metric"
          label="What counts"
          value={metric}
          options={CHALLENGE_METRICS.map((m) => ({ value: m, label: METRIC_LABELS[m] }))}
          onChange={setMetric}
        />
        <NumberField
          id="challenge-target"
          label="Target"
          min={1}
          max={100000}
          value={target}
          onChange={setTarget}
        />
        <NumberField
          id="challenge-reward"
          label="Reward XP"
          min={1}
          max={100000}
          value={reward}
          onChange={setReward}
        />
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm leading-none font-medium">Who takes part</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
          Everyone
        </label>
        {!everyone && (
          <div className="flex flex-wrap gap-x-4 gap-y-1 pl-1">
            {family.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={members.includes(p.id)}
                  onChange={(e) =>
                    setMembers((ms) => (e.target.checked ? [...ms, p.id] : ms.filter((x) => x !== p.id)))
                  }
                />
                {p.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm leading-none font-medium">When it starts counting</legend>
        <p className="text-sm text-muted-foreground" id="challenge-start-hint">
          {wholeWeek
            ? 'Everything this week counts, from Monday on, including what was done before today.'
            : `From now (${formatWhen(openedAt)}) until the end of the week.`}
        </p>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={wholeWeek}
            aria-describedby="challenge-start-hint"
            onChange={(e) => setWholeWeek(e.target.checked)}
          />
          Count the whole week, from the start of the week
        </label>
      </fieldset>
      <FormError message={error?.message} />
      <div className="flex gap-2">
        <Button type="submit" disabled={busy !== null || (!everyone && members.length === 0)}>
          {busy ? 'Creating…' : 'Create challenge'}
        </Button>
        <Button variant="ghost" onClick={() => onClose()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
