// Chores: the board with "Mark done" for everyone, the completions waiting for an admin's
// approval (which is when the points count), and the history. Whoever may manage play (as the
// edge says) defines and retires chores and approves them. After a save, focus goes to the
// chore it was about, never to the page's body.
import { Check, ClipboardCheck, Hourglass, Plus } from 'lucide-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Chore, Completion } from '../../../contracts/play.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import type { User } from '../identity/api.ts';
import { useCan } from '../identity/permissions.tsx';
import { getChores, markChoreDone, retireChore } from './api.ts';
import { NewChore, PendingCompletion } from './chore-manage.tsx';
import { formatNumber, formatWhen, RECURRENCE_LABELS } from './format.ts';
import { Empty, FormError, LoadError, Loading, Pill, Section } from './parts.tsx';
import { useFamily } from './people.ts';
import { useCommand, usePlayData } from './store.tsx';

/** Chores marked done are not pushed: an admin's list looks again this often. */
const POLL_MS = 15_000;

export function ChoresScreen({ me }: { me: User }) {
  const { data, error, reload } = usePlayData('chores', getChores, { everyMs: POLL_MS });
  const family = useFamily(me);
  const admin = useCan('play.manage');
  const player = useCan('play.play');
  const [defining, setDefining] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  // The new chore takes focus once the board shows it.
  useEffect(() => {
    if (!created || !data?.chores.some((c) => c.id === created)) return;
    document.getElementById(`chore-${created}`)?.focus();
    setCreated(null);
  }, [created, data]);
  const nameOf = (id: string) =>
    id === me.id ? 'You' : (family.find((p) => p.id === id)?.name ?? 'Family member');

  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data) return <Loading what="chores" />;
  const titleOf = (id: string) => data.chores.find((c) => c.id === id)?.title ?? 'A retired chore';
  const pending = data.completions.filter((c) => c.status === 'pending');
  const history = data.completions.filter((c) => c.status !== 'pending');

  return (
    <div className="flex flex-col gap-4">
      <Section
        title="Chore board"
        description="Done one? Mark it done: the points count once an admin approves."
        actions={
          admin &&
          !defining && (
            <Button ref={opener} size="sm" data-requires="play.manage" onClick={() => setDefining(true)}>
              <Plus /> New chore
            </Button>
          )
        }
      >
        {admin && defining && (
          <NewChore
            onClose={(id) => {
              setDefining(false);
              if (id) setCreated(id);
              else requestAnimationFrame(() => opener.current?.focus());
            }}
          />
        )}
        {data.chores.length === 0 ? (
          <Empty>{admin ? 'No chores yet. Define the first one.' : 'No chores yet.'}</Empty>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {data.chores.map((c) => (
              <li key={c.id}>
                <ChoreCard chore={c} me={me} admin={admin} player={player} completions={data.completions} />
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section
        title="Waiting for approval"
        description={
          admin ? 'Approve what was done; the points count from then on.' : 'An admin approves these.'
        }
      >
        {pending.length === 0 ? (
          <Empty>Nothing is waiting.</Empty>
        ) : (
          <ul className="flex flex-col gap-2">
            {pending.map((c) => (
              <li key={c.id}>
                <PendingCompletion
                  completion={c}
                  who={nameOf(c.user_id)}
                  title={titleOf(c.chore_id)}
                  admin={admin}
                />
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="History">
        {history.length === 0 ? (
          <Empty>No approved or rejected chores yet.</Empty>
        ) : (
          <ul className="divide-y" aria-label="Chore history">
            {history.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="font-medium">{nameOf(c.user_id)}</span> · {titleOf(c.chore_id)}
                  {c.reason && <span className="text-muted-foreground"> · “{c.reason}”</span>}
                </span>
                <span className="text-xs text-muted-foreground">
                  {formatWhen(c.decided_at ?? c.marked_at)}
                </span>
                <StatusPill status={c.status} points={c.points} />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function StatusPill({ status, points }: { status: Completion['status']; points: number }) {
  if (status === 'approved') return <Pill tone="good">approved · +{formatNumber(points)} XP</Pill>;
  if (status === 'rejected') return <Pill tone="bad">rejected</Pill>;
  return <Pill tone="waiting">pending</Pill>;
}

function ChoreCard({
  chore: c,
  me,
  admin,
  player,
  completions,
}: {
  chore: Chore;
  me: User;
  admin: boolean;
  player: boolean;
  completions: Completion[];
}) {
  const card = useRef<HTMLElement>(null);
  const markButton = useRef<HTMLButtonElement>(null);
  const { run, busy, error } = useCommand();
  const [marking, setMarking] = useState(false);
  const [retiring, setRetiring] = useState(false);
  const [note, setNote] = useState('');
  const waiting =
    c.current?.status === 'pending' ||
    completions.some((x) => x.chore_id === c.id && x.user_id === me.id && x.status === 'pending');
  const done = c.current?.status === 'approved';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run('done', () => markChoreDone(c.id, note.trim() || undefined))) {
      setMarking(false);
      setNote('');
      // The form is gone: the chore, now waiting for approval, keeps focus.
      card.current?.focus();
    }
  };

  return (
    <article
      ref={card}
      id={`chore-${c.id}`}
      tabIndex={-1}
      aria-label={c.title}
      className="flex h-full flex-col gap-2 rounded-lg border p-3 outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <header className="flex items-start gap-2">
        <ClipboardCheck className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden="true" />
        <h3 className="min-w-0 flex-1 font-semibold">{c.title}</h3>
        <Pill tone="good">{formatNumber(c.points)} XP</Pill>
      </header>
      <p className="text-xs text-muted-foreground">{RECURRENCE_LABELS[c.recurrence]}</p>
      <FormError message={error?.message} />
      {marking ? (
        <form className="flex flex-col gap-2" onSubmit={submit} aria-label={`Mark ${c.title} done`}>
          <Input
            aria-label="Note (optional)"
            placeholder="A note for the admin (optional)"
            maxLength={200}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            autoFocus
          />
          <div className="flex gap-2">
            <Button type="submit" size="sm" disabled={busy !== null}>
              <Check /> Send for approval
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setMarking(false);
                requestAnimationFrame(() => markButton.current?.focus());
              }}
            >
              Not yet
            </Button>
          </div>
        </form>
      ) : (
        <div className="mt-auto flex flex-wrap items-center gap-2">
          {done ? (
            <span className="flex items-center gap-1 text-sm text-emerald-700">
              <Check className="size-4" aria-hidden="true" />{' '}
              {c.recurrence === 'once' ? 'Done' : `Done ${c.recurrence === 'daily' ? 'today' : 'this week'}`}
            </span>
          ) : waiting ? (
            <span className="flex items-center gap-1 text-sm text-amber-800">
              <Hourglass className="size-4" aria-hidden="true" /> Waiting for approval
            </span>
          ) : (
            player && (
              <Button
                ref={markButton}
                size="sm"
                variant="outline"
                data-requires="play.play"
                onClick={() => setMarking(true)}
              >
                <Check /> Mark done
              </Button>
            )
          )}
          {admin &&
            (retiring ? (
              <span className="ml-auto flex items-center gap-1" data-requires="play.manage">
                <Button
                  size="sm"
                  variant="destructive"
                  disabled={busy !== null}
                  onClick={() => void run('retire', () => retireChore(c.id))}
                >
                  Retire it
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setRetiring(false)}>
                  Keep
                </Button>
              </span>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                className="ml-auto"
                data-requires="play.manage"
                onClick={() => setRetiring(true)}
              >
                Retire
              </Button>
            ))}
        </div>
      )}
    </article>
  );
}
