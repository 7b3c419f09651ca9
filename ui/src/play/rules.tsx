// Admin: the rule set as JSON, previewed member by member (XP, level, ranks, ratings and
// achievements before → after) and then published against the version the preview was
// based on; and the family's play settings (time zone, who is left off the boards).
import { ArrowRight, Eye, RotateCcw, Send } from 'lucide-react';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { User } from '../auth/api.ts';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { cn } from '../lib/utils.ts';
import {
  getRules,
  getSettings,
  type MemberDiff,
  previewRules,
  publishRules,
  type RulesPreview,
  saveSettings,
} from './api.ts';
import { formatRating, formatWhen, ordinal } from './format.ts';
import { Empty, FormError, LoadError, Loading, Pill, Section } from './parts.tsx';
import { useFamily } from './people.ts';
import { describeField, describeJsonError } from './rules-field.ts';
import { useCommand, usePlay, usePlayData } from './store.tsx';

export function RulesScreen({ me }: { me: User }) {
  if (me.role !== 'admin')
    return <Alert>Only an admin can change the rules and settings. Ask one of the family’s admins.</Alert>;
  return (
    <div className="flex flex-col gap-4">
      <RulesEditor me={me} />
      <SettingsForm me={me} />
    </div>
  );
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

type Problem = { message: string; where?: string };

function RulesEditor({ me }: { me: User }) {
  const store = usePlay();
  const family = useFamily(me);
  const { data, error, reload } = usePlayData('rules', getRules);
  const [text, setText] = useState<string | null>(null);
  /** What the editor was filled with, and from which version: edits are what differs. */
  const [loaded, setLoaded] = useState<{ version: number; text: string } | null>(null);
  const [preview, setPreview] = useState<{ text: string; result: RulesPreview } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [stale, setStale] = useState<number | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [busy, setBusy] = useState<'preview' | 'publish' | null>(null);
  const dirty = text !== null && text !== loaded?.text;

  // The live rules fill the editor, and refill it when they move, unless it holds edits.
  useEffect(() => {
    if (!data || data.version === loaded?.version || dirty) return;
    const fresh = pretty(data.rules);
    setText(fresh);
    setLoaded({ version: data.version, text: fresh });
  }, [data, loaded, dirty]);

  const parse = (): unknown => {
    try {
      return JSON.parse(text ?? '');
    } catch (err) {
      setProblem({ message: describeJsonError(text ?? '', err) });
      return undefined;
    }
  };

  const refused = (err: unknown, draft: unknown) => {
    const field =
      err instanceof ApiError && typeof err.details?.field === 'string' ? err.details.field : null;
    setProblem({
      message: errorMessage(err),
      ...(field !== null && { where: describeField(field, draft) }),
    });
  };

  const runPreview = async () => {
    setProblem(null);
    setStale(null);
    setPublished(null);
    const draft = parse();
    if (draft === undefined || text === null) return;
    setBusy('preview');
    try {
      setPreview({ text, result: await previewRules(draft) });
    } catch (err) {
      setPreview(null);
      refused(err, draft);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (!preview || preview.text !== text) return;
    setProblem(null);
    const draft = JSON.parse(preview.text) as unknown;
    setBusy('publish');
    try {
      const result = await publishRules(draft, preview.result.based_on_version);
      setPreview(null);
      setPublished(result.version ?? preview.result.based_on_version + 1);
      // The editor shows the rules now in force (with their new versions).
      setText(null);
      setLoaded(null);
      store.changed(result.seq);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        const version = typeof err.details?.version === 'number' ? err.details.version : null;
        setStale(version ?? -1);
        store.changed();
      } else refused(err, draft);
    } finally {
      setBusy(null);
    }
  };

  const loadLatest = () => {
    setText(null);
    setLoaded(null);
    setPreview(null);
    setStale(null);
    setProblem(null);
    store.changed();
  };

  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data || text === null) return <Loading what="the rules" />;
  const previewed = preview !== null && preview.text === text;
  const publisher = data.published_by
    ? (family.find((p) => p.id === data.published_by)?.name ?? 'an admin')
    : null;

  return (
    <Section
      title="Rules"
      description={
        <>
          Version {data.version} is in force
          {data.published_at &&
            publisher &&
            `, published by ${publisher} on ${formatWhen(data.published_at)}`}
          . Edit the rules, preview what changes for everyone, then publish.
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <Label htmlFor="rules-json">Rule set (JSON)</Label>
        <Textarea
          id="rules-json"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          rows={18}
          className="font-mono text-xs leading-relaxed md:text-xs"
          value={text}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'rules-problem' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
            setPublished(null);
          }}
        />
        {problem && (
          <Alert variant="destructive" id="rules-problem">
            {problem.where && <p className="font-medium">In {problem.where}:</p>}
            <p>{problem.message}</p>
          </Alert>
        )}
        {stale !== null && (
          <Alert variant="destructive" className="flex flex-wrap items-center gap-2">
            <span className="flex-1">
              Someone else published the rules
              {stale > 0 ? ` (now version ${stale})` : ''} after your preview, so yours were not published.
              Load the latest rules, make your change again and preview it.
            </span>
            <Button size="sm" variant="outline" onClick={loadLatest}>
              Load the latest rules
            </Button>
          </Alert>
        )}
        {published !== null && (
          <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            Published. Version {published} is in force, and everyone’s scores follow it now.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" disabled={busy !== null} onClick={() => void runPreview()}>
            <Eye /> {busy === 'preview' ? 'Previewing…' : 'Preview'}
          </Button>
          <Button disabled={!previewed || busy !== null} onClick={() => void publish()}>
            <Send /> {busy === 'publish' ? 'Publishing…' : 'Publish'}
          </Button>
          {dirty && (
            <Button variant="ghost" disabled={busy !== null} onClick={loadLatest}>
              <RotateCcw /> Discard changes
            </Button>
          )}
        </div>
        {preview && !previewed && (
          <p className="text-sm text-amber-800">
            The rules changed since this preview: preview again to publish.
          </p>
        )}
        {preview && <PreviewTable preview={preview.result} outdated={!previewed} />}
      </div>
    </Section>
  );
}

function PreviewTable({ preview, outdated }: { preview: RulesPreview; outdated: boolean }) {
  const titles = preview.achievement_titles ?? {};
  const [all, setAll] = useState(true);
  const rows = useMemo(
    () => (all ? preview.members : preview.members.filter(changed)),
    [all, preview.members],
  );
  return (
    <section aria-label="Preview" className={cn('rounded-lg border', outdated && 'opacity-60')}>
      <div className="flex flex-wrap items-center gap-2 border-b px-3 py-2">
        <h3 className="font-semibold">Before → after</h3>
        <span className="text-sm text-muted-foreground" data-testid="preview-summary">
          {preview.changed === 0
            ? 'Nobody’s scores change.'
            : `${preview.changed} of ${preview.members.length} ${preview.members.length === 1 ? 'member changes' : 'members change'}.`}
        </span>
        <label className="ml-auto flex items-center gap-2 text-sm">
          <input type="checkbox" checked={!all} onChange={(e) => setAll(!e.target.checked)} />
          Only those who change
        </label>
      </div>
      {rows.length === 0 ? (
        <div className="p-3">
          <Empty>Nobody to show.</Empty>
        </div>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-sm" aria-label="Before and after, per member">
            <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Member
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  XP
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Level
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Rank
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Week rank
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Ratings
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Achievements
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.user_id} className={cn('border-t align-top', changed(m) && 'bg-orange-50/60')}>
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {m.name}
                  </th>
                  <td className="px-3 py-2" data-testid="preview-xp">
                    <Change pair={m.xp} />
                  </td>
                  <td className="px-3 py-2" data-testid="preview-level">
                    <Change pair={m.level} />
                  </td>
                  <td className="px-3 py-2">
                    <Change pair={m.rank} show={(n) => ordinal(n)} />
                  </td>
                  <td className="px-3 py-2">
                    <Change pair={m.week_rank} show={(n) => ordinal(n)} />
                  </td>
                  <td className="px-3 py-2">
                    {m.ratings.length === 0 ? (
                      <span className="text-muted-foreground">—</span>
                    ) : (
                      <ul className="flex flex-col gap-0.5">
                        {m.ratings.map((r) => (
                          <li key={r.game} className="whitespace-nowrap">
                            <span className="text-muted-foreground">{r.game_name ?? r.game}: </span>
                            <Change pair={r.rating} show={formatRating} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {m.achievements_gained.length + m.achievements_lost.length === 0 ? (
                      <span className="text-muted-foreground">no change</span>
                    ) : (
                      <div className="flex flex-wrap gap-1">
                        {m.achievements_gained.map((a) => (
                          <Pill key={`+${a}`} tone="good">
                            + {titles[a] ?? a}
                          </Pill>
                        ))}
                        {m.achievements_lost.map((a) => (
                          <Pill key={`-${a}`} tone="bad">
                            − {titles[a] ?? a}
                          </Pill>
                        ))}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function changed(d: MemberDiff): boolean {
  return (
    d.xp[0] !== d.xp[1] ||
    d.level[0] !== d.level[1] ||
    d.rank[0] !== d.rank[1] ||
    d.week_rank[0] !== d.week_rank[1] ||
    d.ratings.some((r) => r.rating[0] !== r.rating[1]) ||
    d.achievements_gained.length > 0 ||
    d.achievements_lost.length > 0
  );
}

function Change({
  pair: [before, after],
  show = (n: number) => String(n),
}: {
  pair: [number | null, number | null];
  show?: (n: number) => string;
}) {
  const text = (n: number | null) => (n === null ? '—' : show(n));
  const data = { 'data-before': before ?? '', 'data-after': after ?? '' };
  if (before === after)
    return (
      <span className="text-muted-foreground" {...data}>
        {text(before)}
      </span>
    );
  const up = before !== null && after !== null && after > before;
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap font-medium" {...data}>
      <span>{text(before)}</span>
      <ArrowRight className="size-3.5 text-muted-foreground" aria-label="to" />
      <span className={up ? 'text-emerald-700' : 'text-rose-700'}>{text(after)}</span>
    </span>
  );
}

function SettingsForm({ me }: { me: User }) {
  const family = useFamily(me);
  const { data, error, reload } = usePlayData('settings', getSettings);
  const { run, busy, error: saveError } = useCommand();
  const [zone, setZone] = useState<string | null>(null);
  const [hidden, setHidden] = useState<string[] | null>(null);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);

  if (error && !data) return <LoadError message={error} onRetry={reload} />;
  if (!data) return <Loading what="the settings" />;
  const timeZone = zone ?? data.time_zone;
  const hiddenIds = hidden ?? data.hidden_member_ids;
  const field = saveError?.err instanceof ApiError ? saveError.err.details?.field : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const ok = await run('save', () =>
      saveSettings({ time_zone: timeZone.trim(), hidden_member_ids: hiddenIds }),
    );
    if (ok) {
      setZone(null);
      setHidden(null);
      setSaved(true);
    }
  };

  return (
    <Section title="Settings" description="Days and weeks follow the family’s time zone.">
      <form className="flex flex-col gap-4" onSubmit={submit} aria-label="Play settings">
        <div className="flex max-w-sm flex-col gap-2">
          <Label htmlFor="play-time-zone">Family time zone</Label>
          <Input
            id="play-time-zone"
            list="play-time-zones"
            required
            value={timeZone}
            aria-invalid={field === 'time_zone' ? true : undefined}
            onChange={(e) => {
              setZone(e.target.value);
              setSaved(false);
            }}
          />
          <datalist id="play-time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <fieldset>
          <legend className="mb-2 text-sm leading-none font-medium">Hidden from the leaderboards</legend>
          <p className="mb-2 text-xs text-muted-foreground">
            They still earn XP and see their own profile; the boards leave them off.
          </p>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {family.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={hiddenIds.includes(p.id)}
                  onChange={(e) => {
                    setSaved(false);
                    setHidden(e.target.checked ? [...hiddenIds, p.id] : hiddenIds.filter((x) => x !== p.id));
                  }}
                />
                {p.name}
              </label>
            ))}
          </div>
        </fieldset>
        <FormError message={saveError?.message} />
        {saved && (
          <p role="status" className="text-sm text-emerald-700">
            Settings saved.
          </p>
        )}
        <div>
          <Button type="submit" disabled={busy !== null}>
            {busy ? 'Saving…' : 'Save settings'}
          </Button>
        </div>
      </form>
    </Section>
  );
}
