// Managing play: the rule set as a form (or, in the advanced view, as JSON), previewed member
// by member (XP, level, ranks, ratings and achievements before → after) and then published
// against the version the preview was based on; and the family's play settings (time zone,
// who is left off the boards). Offered to whoever the edge lets manage play.
import { Eye, RotateCcw, Send } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { RulesPreview } from '../../../contracts/play.api.ts';
import type { RuleSet } from '../../../contracts/play.schema.ts';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Label } from '../components/ui/label.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import type { User } from '../identity/api.ts';
import { usePermissions } from '../identity/permissions.tsx';
import { ApiError, errorMessage } from '../lib/http.ts';
import { getRules, previewRules, publishRules } from './api.ts';
import { formatWhen } from './format.ts';
import { LoadError, Loading, Section } from './parts.tsx';
import { useFamily } from './people.ts';
import { SettingsForm } from './play-settings.tsx';
import { describeField, describeJsonError } from './rules-field.ts';
import { type FieldProblem, RulesForm } from './rules-form.tsx';
import { PreviewTable } from './rules-preview.tsx';
import { familyMessage, fieldId } from './rules-words.ts';
import { usePlay, usePlayData } from './store.tsx';

export function RulesScreen({ me }: { me: User }) {
  const { loaded, can } = usePermissions();
  // Until the edge has said, neither the editor nor a refusal.
  if (!loaded) return <Loading what="the rules" />;
  if (!can('play.manage'))
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
  const [view, setView] = useState<'form' | 'json'>('form');
  const [fieldProblem, setFieldProblem] = useState<FieldProblem | null>(null);
  const dirty = text !== null && text !== loaded?.text;
  /** The draft as the form shows it; null while the JSON does not parse. */
  const draftRules = useMemo((): RuleSet | null => {
    try {
      const value = JSON.parse(text ?? '') as unknown;
      return value && typeof value === 'object' && 'xp' in value && 'achievements' in value && 'elo' in value
        ? (value as RuleSet)
        : null;
    } catch {
      return null;
    }
  }, [text]);

  // A problem placed on a form field takes focus there, so it is read out and fixed at once.
  useEffect(() => {
    if (fieldProblem) document.getElementById(fieldProblem.id)?.focus();
  }, [fieldProblem]);

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
    const id = field === null ? null : fieldId(field);
    if (view === 'form' && field !== null && id !== null && draftRules && document.getElementById(id)) {
      setFieldProblem({ id, message: familyMessage(field, draftRules, errorMessage(err)) });
      return;
    }
    setProblem({
      message: errorMessage(err),
      ...(field !== null && { where: describeField(field, draft) }),
    });
  };

  const runPreview = async () => {
    setProblem(null);
    setFieldProblem(null);
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
    setFieldProblem(null);
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
    setFieldProblem(null);
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
        <fieldset className="flex flex-wrap gap-1">
          <legend className="sr-only">How to edit the rules</legend>
          <Button
            size="sm"
            variant={view === 'form' ? 'secondary' : 'ghost'}
            aria-pressed={view === 'form'}
            onClick={() => {
              if (!draftRules) {
                setProblem({
                  message: 'Fix the JSON first: the form can only show rules that read as JSON.',
                });
                return;
              }
              setView('form');
            }}
          >
            Form
          </Button>
          <Button
            size="sm"
            variant={view === 'json' ? 'secondary' : 'ghost'}
            aria-pressed={view === 'json'}
            onClick={() => {
              setFieldProblem(null);
              setView('json');
            }}
          >
            Advanced (JSON)
          </Button>
        </fieldset>
        {view === 'form' && draftRules && (
          <RulesForm
            rules={draftRules}
            problem={fieldProblem}
            onChange={(next) => {
              setText(pretty(next));
              setProblem(null);
              setFieldProblem(null);
              setPublished(null);
            }}
          />
        )}
        {view === 'json' && (
          <>
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
          </>
        )}
        {fieldProblem && (
          <p className="text-sm text-destructive" role="alert">
            The rules were not previewed: {fieldProblem.message}
          </p>
        )}
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
          <Button
            variant="outline"
            data-requires="play.manage"
            disabled={busy !== null}
            onClick={() => void runPreview()}
          >
            <Eye /> {busy === 'preview' ? 'Previewing…' : 'Preview'}
          </Button>
          <Button
            data-requires="play.manage"
            disabled={!previewed || busy !== null}
            onClick={() => void publish()}
          >
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
