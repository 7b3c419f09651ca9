// The rule set as a form: XP per action with its daily cap, the streak bonus, the
// achievements (name, what it counts, how many; add and remove), the Elo K-factors, and what
// an approved chore or a completed challenge pays. It edits the same draft the advanced JSON
// view shows, so the preview and publishing see one thing. A problem the server finds is
// shown next to its field, in family words (rules-words.ts).
import { Plus, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import {
  type AchievementRule,
  METRICS,
  type Metric,
  type RuleSet,
  type XpRule,
} from '../../../contracts/play.schema.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { METRIC_LABELS } from './format.ts';
import { selectClass } from './parts.tsx';
import { ELO_LABELS, OWN_AMOUNT, XP_FOR } from './rules-words.ts';

/** A problem the server found, placed on a form field. */
export type FieldProblem = { id: string; message: string };

type Props = {
  rules: RuleSet;
  onChange: (rules: RuleSet) => void;
  problem: FieldProblem | null;
};

const capitalised = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;

export function RulesForm({ rules, onChange, problem }: Props) {
  const setXp = (i: number, patch: Partial<XpRule>) =>
    onChange({
      ...rules,
      xp: rules.xp.map((r, j) => (j === i ? withoutUndefined({ ...r, ...patch }) : r)),
    });
  const setAchievement = (i: number, patch: Partial<AchievementRule>) =>
    onChange({
      ...rules,
      achievements: rules.achievements.map((r, j) => (j === i ? { ...r, ...patch } : r)),
    });
  const actions = rules.xp.map((r, i) => ({ r, i })).filter(({ r }) => r.on !== 'streak_day');
  const streaks = rules.xp.map((r, i) => ({ r, i })).filter(({ r }) => r.on === 'streak_day');
  const err = (id: string) => (problem?.id === id ? problem.message : undefined);

  return (
    <div className="flex flex-col gap-5" data-testid="rules-form">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium">XP for each action</legend>
        <p className="text-sm text-muted-foreground">
          How much XP each thing earns, and at most how much of it in one day (leave the cap empty for no
          cap).
        </p>
        <ul className="flex flex-col divide-y">
          {actions.map(({ r, i }) => {
            const own = OWN_AMOUNT[r.on];
            return (
              <li key={r.id} className="grid gap-2 py-2 sm:grid-cols-[1fr_9rem_9rem] sm:items-start">
                <span className="text-sm font-medium sm:pt-7">{capitalised(XP_FOR[r.on])}</span>
                <NumberInput
                  id={`rules-xp-${i}-xp`}
                  label={`XP for ${XP_FOR[r.on]}`}
                  visibleLabel="XP"
                  placeholder={own ? 'own amount' : undefined}
                  hint={own ? `Empty: ${own}.` : undefined}
                  value={r.xp}
                  error={err(`rules-xp-${i}-xp`)}
                  onChange={(xp) => setXp(i, { xp })}
                />
                <NumberInput
                  id={`rules-xp-${i}-daily_cap`}
                  label={`Daily cap for ${XP_FOR[r.on]}`}
                  visibleLabel="Daily cap"
                  placeholder="no cap"
                  value={r.daily_cap}
                  error={err(`rules-xp-${i}-daily_cap`)}
                  onChange={(daily_cap) => setXp(i, { daily_cap })}
                />
              </li>
            );
          })}
        </ul>
      </fieldset>

      {streaks.length > 0 && (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 font-medium">Streak bonus</legend>
          <p className="text-sm text-muted-foreground">
            Extra XP for every day in a row someone is active, from the day the streak is long enough.
          </p>
          {streaks.map(({ r, i }) => (
            <div key={r.id} className="grid gap-2 sm:grid-cols-2">
              <NumberInput
                id={`rules-xp-${i}-xp`}
                label="Streak bonus XP per day"
                value={r.xp}
                error={err(`rules-xp-${i}-xp`)}
                onChange={(xp) => setXp(i, { xp })}
              />
              <NumberInput
                id={`rules-xp-${i}-min_days`}
                label="Starts on day"
                value={r.min_days}
                error={err(`rules-xp-${i}-min_days`)}
                onChange={(min_days) => setXp(i, { min_days })}
              />
            </div>
          ))}
        </fieldset>
      )}

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium">Achievements</legend>
        <p className="text-sm text-muted-foreground">Earned once, when what it counts reaches its target.</p>
        <ul className="flex flex-col divide-y" aria-label="Achievements">
          {rules.achievements.map((a, i) => (
            <li
              key={a.id}
              aria-label={a.title || `Achievement ${i + 1}`}
              className="grid gap-2 py-2 sm:grid-cols-[1fr_12rem_8rem_auto] sm:items-start"
            >
              <TextInput
                id={`rules-achievements-${i}-title`}
                label="Name"
                value={a.title}
                error={err(`rules-achievements-${i}-title`)}
                onChange={(title) => setAchievement(i, { title })}
              />
              <div className="flex flex-col gap-2">
                <Label htmlFor={`rules-achievements-${i}-metric`}>What it counts</Label>
                <select
                  id={`rules-achievements-${i}-metric`}
                  className={selectClass()}
                  value={a.metric}
                  aria-invalid={err(`rules-achievements-${i}-metric`) ? true : undefined}
                  onChange={(e) => setAchievement(i, { metric: e.target.value as Metric })}
                >
                  {METRICS.map((m) => (
                    <option key={m} value={m}>
                      {METRIC_LABELS[m]}
                    </option>
                  ))}
                </select>
              </div>
              <NumberInput
                id={`rules-achievements-${i}-threshold`}
                label="Target"
                value={a.threshold}
                error={err(`rules-achievements-${i}-threshold`)}
                onChange={(threshold) => setAchievement(i, { threshold: threshold as number })}
              />
              <Button
                variant="ghost"
                size="icon"
                className="sm:mt-6"
                aria-label={`Remove ${a.title || `achievement ${i + 1}`}`}
                onClick={() => {
                  onChange({ ...rules, achievements: rules.achievements.filter((_, j) => j !== i) });
                  // The list's add button stays where focus can go next.
                  document.getElementById('rules-add-achievement')?.focus();
                }}
              >
                <Trash2 />
              </Button>
            </li>
          ))}
        </ul>
        <div>
          <Button
            id="rules-add-achievement"
            variant="outline"
            size="sm"
            onClick={() => {
              const index = rules.achievements.length;
              onChange({
                ...rules,
                achievements: [
                  ...rules.achievements,
                  { id: freeId(rules), title: '', metric: 'messages_sent', threshold: 10 },
                ],
              });
              // The new achievement's name, to type it at once.
              requestAnimationFrame(() =>
                document.getElementById(`rules-achievements-${index}-title`)?.focus(),
              );
            }}
          >
            <Plus /> Add an achievement
          </Button>
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium">Match ratings (Elo)</legend>
        <p className="text-sm text-muted-foreground">
          A higher K-factor moves ratings faster. New players move faster until they are established.
        </p>
        <div className="grid gap-2 sm:grid-cols-2">
          {(Object.keys(ELO_LABELS) as (keyof typeof ELO_LABELS)[]).map((k) => (
            <NumberInput
              key={k}
              id={`rules-elo-${k}`}
              label={ELO_LABELS[k]}
              value={rules.elo[k]}
              error={err(`rules-elo-${k}`)}
              onChange={(v) => onChange({ ...rules, elo: { ...rules.elo, [k]: v } })}
            />
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** An id no achievement has yet: ids name achievements for good, so a new one gets its own. */
function freeId(rules: RuleSet): string {
  const taken = new Set(rules.achievements.map((a) => a.id));
  let n = rules.achievements.length + 1;
  while (taken.has(`achievement-${n}`)) n++;
  return `achievement-${n}`;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm font-medium text-destructive">
      {message}
    </p>
  );
}

/**
 * A whole-number input for an optional or required rule value. It keeps what is typed (an
 * empty box, a lone minus) and passes on a number, or undefined when empty.
 */
function NumberInput({
  id,
  label,
  visibleLabel,
  value,
  onChange,
  placeholder,
  hint,
  error,
}: {
  id: string;
  label: string;
  visibleLabel?: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  placeholder?: string | undefined;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // The draft moved from elsewhere (the advanced view, loading the latest rules).
  useEffect(() => {
    setText((t) => {
      const shown = t.trim() === '' ? undefined : Number(t);
      if (shown === value) return t;
      return value === undefined ? '' : String(value);
    });
  }, [value]);
  const described = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{visibleLabel ?? label}</Label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        step={1}
        // A short label above a column ("XP"); the field's own name says what for.
        aria-label={visibleLabel ? label : undefined}
        placeholder={placeholder}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => {
          const raw = e.target.value;
          setText(raw);
          if (raw.trim() === '') onChange(undefined);
          else if (Number.isFinite(Number(raw))) onChange(Number(raw));
        }}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

function TextInput({
  id,
  label,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        maxLength={80}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
