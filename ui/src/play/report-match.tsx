// Reporting a match: 1 v 1 (won, lost or draw) or a free-for-all of up to 8 players by place.
import { Plus, Swords, X } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { reportMatch } from './api.ts';
import { Segmented, SelectField, TextField } from './fields.tsx';
import { ordinal } from './format.ts';
import { FormError, Section, selectClass } from './parts.tsx';
import { usePickableFamily } from './people.ts';
import { useCommand } from './store.tsx';

const MAX_PLAYERS = 8;

type Row = { key: number; userId: string; place: number };

export function ReportMatch({ me, games }: { me: User; games: string[] }) {
  const family = usePickableFamily(me);
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
      <form
        className="flex flex-col gap-4"
        onSubmit={submit}
        aria-label="Report a match"
        data-requires="play.play"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="match-game"
            label="Game"
            maxLength={40}
            placeholder="Chess, Uno, Mario Kart…"
            suggestions={games}
            value={game}
            onChange={setGame}
          />
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
            <SelectField
              id="match-opponent"
              label="Opponent"
              value={opponent}
              placeholder="Choose someone…"
              options={others.map((p) => ({ value: p.id, label: p.name }))}
              onChange={setOpponent}
            />
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
