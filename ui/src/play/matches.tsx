// Matches: report one (1 v 1, or a free-for-all of up to 8), confirm or reject what others
// reported, and (admins) void one that counts. A settled match shows each rating change.
import { Check, Clock, Plus, Swords, X } from 'lucide-react';
import { type FormEvent, useMemo, useState } from 'react';
import type { User } from '../auth/api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { cn } from '../lib/utils.ts';
import { confirmMatch, getMatches, type Match, rejectMatch, reportMatch, voidMatch } from './api.ts';
import { formatDelta, formatWhen, MATCH_STATUS_LABELS, ordinal } from './format.ts';
import { Empty, FormError, LoadError, Loading, Pill, Section, selectClass } from './parts.tsx';
import { useFamily } from './people.ts';
import { useCommand, usePlayData } from './store.tsx';

const MAX_PLAYERS = 8;
/** Reports waiting for someone's confirmation are not pushed: look again this often. */
const POLL_MS = 15_000;

export function MatchesScreen({ me }: { me: User }) {
  const { data, error, reload } = usePlayData('matches', getMatches, { everyMs: POLL_MS });
  const admin = me.role === 'admin';
  const games = useMemo(() => [...new Set((data ?? []).map((m) => m.game_name))].sort(), [data]);
  const waiting = (data ?? []).filter(
    (m) => m.status === 'reported' && m.placements.some((p) => p.user_id === me.id && !p.confirmed),
  ).length;

  return (
    <div className="flex flex-col gap-4">
      <ReportMatch me={me} games={games} />
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
        {data && data.length > 0 && (
          <ul className="flex flex-col gap-2">
            {data.map((m) => (
              <li key={m.id}>
                <MatchCard match={m} me={me} admin={admin} />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

type Row = { key: number; userId: string; place: number };

function ReportMatch({ me, games }: { me: User; games: string[] }) {
  const family = useFamily(me);
  const others = family.filter((p) => p.id !== me.id);
  const { run, busy, error } = useCommand();
  const [game, setGame] = useState('');
  const [kind, setKind] = useState<'duel' | 'ffa'>('duel');
  const [opponent, setOpponent] = useState('');
  const [result, setResult] = useState<'won' | 'lost' | 'draw'>('won');
  const [rows, setRows] = useState<Row[]>([
    { key: 1, userId: me.id, place: 1 },
    { key: 2, userId: '', place: 2 },
  ]);
  const [done, setDone] = useState<string | null>(null);

  const placements = (): { user_id: string; place: number }[] => {
    if (kind === 'duel') {
      const [mine, theirs] = result === 'won' ? [1, 2] : result === 'lost' ? [2, 1] : [1, 1];
      return [
        { user_id: me.id, place: mine },
        { user_id: opponent, place: theirs },
      ];
    }
    return rows.filter((r) => r.userId).map((r) => ({ user_id: r.userId, place: r.place }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const list = placements();
    const ok = await run('report', () => reportMatch({ game: game.trim(), placements: list }));
    if (!ok) return;
    const names = list
      .filter((p) => p.user_id !== me.id)
      .map((p) => family.find((f) => f.id === p.user_id)?.name ?? 'the others');
    setDone(`Reported. It counts once ${names.join(', ')} ${names.length === 1 ? 'confirms' : 'confirm'}.`);
    setOpponent('');
    setRows([
      { key: 1, userId: me.id, place: 1 },
      { key: 2, userId: '', place: 2 },
    ]);
  };

  const setRow = (key: number, change: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const chosen = new Set(rows.map((r) => r.userId));
  const ready =
    game.trim().length > 0 && (kind === 'duel' ? opponent !== '' : rows.filter((r) => r.userId).length >= 2);

  return (
    <Section title="Report a match" description="Who played, and who came where. The others confirm it.">
      <form className="flex flex-col gap-4" onSubmit={submit} aria-label="Report a match">
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="flex flex-col gap-2">
            <Label htmlFor="match-game">Game</Label>
            <Input
              id="match-game"
              list="match-games"
              placeholder="Chess, Uno, Mario Kart…"
              maxLength={40}
              required
              value={game}
              onChange={(e) => setGame(e.target.value)}
            />
            <datalist id="match-games">
              {games.map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
          </div>
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-2 text-sm leading-none font-medium">Kind of match</legend>
            <Segmented
              name="match-kind"
              value={kind}
              onChange={(v) => setKind(v as 'duel' | 'ffa')}
              options={[
                { value: 'duel', label: '1 v 1' },
                { value: 'ffa', label: 'Free-for-all' },
              ]}
            />
          </fieldset>
        </div>

        {kind === 'duel' ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="flex flex-col gap-2">
              <Label htmlFor="match-opponent">Opponent</Label>
              <select
                id="match-opponent"
                className={selectClass()}
                value={opponent}
                required
                onChange={(e) => setOpponent(e.target.value)}
              >
                <option value="">Choose someone…</option>
                {others.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-2 text-sm leading-none font-medium">Result</legend>
              <Segmented
                name="match-result"
                value={result}
                onChange={(v) => setResult(v as 'won' | 'lost' | 'draw')}
                options={[
                  { value: 'won', label: 'I won' },
                  { value: 'lost', label: 'I lost' },
                  { value: 'draw', label: 'Draw' },
                ]}
              />
            </fieldset>
          </div>
        ) : (
          <fieldset>
            <legend className="mb-2 text-sm leading-none font-medium">Players and places</legend>
            <p className="mb-2 text-xs text-muted-foreground">
              1 is best; equal places are a draw, and the next place skips (1, 1, 3).
            </p>
            <ol className="flex flex-col gap-2">
              {rows.map((r, i) => (
                <li key={r.key} className="flex items-center gap-2">
                  <select
                    aria-label={`Player ${i + 1}`}
                    className={selectClass('flex-1')}
                    value={r.userId}
                    onChange={(e) => setRow(r.key, { userId: e.target.value })}
                  >
                    <option value="">Choose someone…</option>
                    {family.map((p) => (
                      <option key={p.id} value={p.id} disabled={p.id !== r.userId && chosen.has(p.id)}>
                        {p.id === me.id ? `${p.name} (you)` : p.name}
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label={`Place of player ${i + 1}`}
                    className={selectClass('w-24')}
                    value={r.place}
                    onChange={(e) => setRow(r.key, { place: Number(e.target.value) })}
                  >
                    {rows.map((row, p) => (
                      <option key={row.key} value={p + 1}>
                        {ordinal(p + 1)}
                      </option>
                    ))}
                  </select>
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    aria-label={`Remove player ${i + 1}`}
                    disabled={rows.length <= 2}
                    onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  >
                    <X />
                  </Button>
                </li>
              ))}
            </ol>
            <Button
              variant="outline"
              size="sm"
              className="mt-2"
              disabled={rows.length >= MAX_PLAYERS}
              onClick={() =>
                setRows((rs) => [
                  ...rs,
                  { key: Math.max(0, ...rs.map((x) => x.key)) + 1, userId: '', place: rs.length + 1 },
                ])
              }
            >
              <Plus /> Add player
            </Button>
          </fieldset>
        )}
        <FormError message={error?.message} />
        {done && (
          <p role="status" className="text-sm text-emerald-700">
            {done}
          </p>
        )}
        <div>
          <Button type="submit" disabled={!ready || busy !== null}>
            <Swords /> {busy ? 'Reporting…' : 'Report match'}
          </Button>
        </div>
      </form>
    </Section>
  );
}

/** Radio buttons that look like a segmented control. */
export function Segmented({
  name,
  value,
  onChange,
  options,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="inline-flex w-full rounded-md border bg-muted p-0.5 sm:w-auto">
      {options.map((o) => (
        <label
          key={o.value}
          className={cn(
            'flex-1 cursor-pointer rounded px-3 py-1.5 text-center text-sm whitespace-nowrap transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring/50',
            value === o.value
              ? 'bg-background font-medium shadow-xs'
              : 'text-muted-foreground hover:text-foreground',
          )}
        >
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            className="sr-only"
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}

const STATUS_TONES = {
  reported: 'waiting',
  settled: 'good',
  rejected: 'bad',
  voided: 'quiet',
  expired: 'quiet',
} as const;

function MatchCard({ match: m, me, admin }: { match: Match; me: User; admin: boolean }) {
  const { run, busy, error } = useCommand();
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const mine = m.placements.find((p) => p.user_id === me.id);
  const mustConfirm = m.status === 'reported' && mine !== undefined && !mine.confirmed;
  const names = m.placements.map((p) => p.name);
  const placements = [...m.placements].sort((a, b) => a.place - b.place);

  return (
    <article
      aria-label={`${m.game_name}: ${names.join(' vs ')}`}
      className={cn('rounded-lg border p-3', mustConfirm && 'border-primary/50 bg-orange-50/60')}
    >
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="font-semibold">{m.game_name}</h3>
        <Pill tone={STATUS_TONES[m.status]} className="capitalize">
          <span className="sr-only">Status: </span>
          {m.status}
        </Pill>
        <span className="ml-auto text-xs text-muted-foreground">{formatWhen(m.reported_at)}</span>
      </header>
      <ol className="flex flex-col gap-1 text-sm">
        {placements.map((p) => (
          <li key={p.user_id} className="flex items-center gap-2">
            <span className="w-9 shrink-0 text-xs font-semibold text-muted-foreground">
              {ordinal(p.place)}
            </span>
            <span className="min-w-0 flex-1 truncate">
              {p.name}
              {p.user_id === me.id && <span className="text-muted-foreground"> (you)</span>}
            </span>
            {m.status === 'reported' &&
              (p.confirmed ? (
                <span className="flex items-center gap-1 text-xs text-emerald-700">
                  <Check className="size-3.5" aria-hidden="true" /> confirmed
                </span>
              ) : (
                <span className="flex items-center gap-1 text-xs text-amber-800">
                  <Clock className="size-3.5" aria-hidden="true" /> to confirm
                </span>
              ))}
            {p.rating_change !== null && (
              <span
                className={cn(
                  'text-sm font-semibold tabular-nums',
                  p.rating_change > 0 ? 'text-emerald-700' : p.rating_change < 0 ? 'text-rose-700' : '',
                )}
                data-testid="rating-change"
              >
                <span className="sr-only">rating </span>
                {formatDelta(p.rating_change)}
              </span>
            )}
          </li>
        ))}
      </ol>
      <p className="mt-2 text-xs text-muted-foreground">
        {MATCH_STATUS_LABELS[m.status]}
        {m.status === 'reported' && ` · confirm by ${formatWhen(m.expires_at)}`}
        {m.settled_by_admin && ' · settled by an admin'}
        {m.reason && ` · “${m.reason}”`}
      </p>
      <FormError message={error?.message} />
      {(mustConfirm ||
        (admin && m.status !== 'voided' && m.status !== 'rejected' && m.status !== 'expired')) && (
        <div className="mt-2 flex flex-wrap gap-2">
          {mustConfirm && (
            <Button
              size="sm"
              disabled={busy !== null}
              onClick={() => void run('confirm', () => confirmMatch(m.id))}
            >
              <Check /> Confirm
            </Button>
          )}
          {m.status === 'reported' && (mustConfirm || admin) && (
            <Button
              size="sm"
              variant="outline"
              disabled={busy !== null}
              onClick={() => void run('reject', () => rejectMatch(m.id))}
            >
              <X /> Reject
            </Button>
          )}
          {admin && m.status === 'settled' && !voiding && (
            <Button size="sm" variant="outline" onClick={() => setVoiding(true)}>
              Void
            </Button>
          )}
        </div>
      )}
      {voiding && (
        <form
          className="mt-2 flex flex-wrap items-center gap-2"
          aria-label="Void this match"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run('void', () => voidMatch(m.id, reason.trim() || undefined))) setVoiding(false);
          }}
        >
          <Input
            aria-label="Why void it? (optional)"
            placeholder="Why? (optional)"
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="h-8 min-w-40 flex-1"
          />
          <Button type="submit" size="sm" variant="destructive" disabled={busy !== null}>
            Void match
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setVoiding(false)}>
            Keep it
          </Button>
        </form>
      )}
    </article>
  );
}
