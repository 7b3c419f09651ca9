// Family settings: the family's name and who may sign up (identity's family aggregate), the
// time zone days and weeks follow (play's setting), and who may share photos (media's).
import { type FormEvent, useId, useMemo, useState } from 'react';
import type { FamilySettings, SignUpMode } from '../../../contracts/identity.api.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { Textarea } from '../components/ui/textarea.tsx';
import { usePermissions } from '../identity/permissions.tsx';
import { usePageTitle } from '../lib/title.ts';
import { MANAGE as MEDIA_MANAGE } from '../media/grants.ts';
import { MediaSettingsForm } from '../media/settings-form.tsx';
import { getFamily, getPlaySettings, saveFamily, saveTimeZone } from './api.ts';
import { ErrorText, LoadError, Loading, Section, useAction, useLoad } from './parts.tsx';

const MODES: { value: SignUpMode; label: string; hint: string }[] = [
  { value: 'invites', label: 'Invites only', hint: 'Nobody joins without a link from an admin.' },
  {
    value: 'domains',
    label: 'Allowed email domains',
    hint: 'Anyone with an address in these domains may join as a member, and anyone with an invite.',
  },
  { value: 'open', label: 'Open', hint: 'Anyone who can reach this hub may join as a member.' },
];

export function SettingsScreen() {
  usePageTitle('Family settings · Family console');
  const { can } = usePermissions();
  return (
    <div className="flex flex-col gap-4">
      {can('family.manage') && <FamilyForm />}
      {can('play.manage') && <TimeZoneForm />}
      {can(MEDIA_MANAGE) && <MediaSettingsForm />}
    </div>
  );
}

function FamilyForm() {
  const id = useId();
  const family = useLoad(getFamily);
  const [draft, setDraft] = useState<{ name: string; mode: SignUpMode; domains: string } | null>(null);
  const [saved, setSaved] = useState('');
  const action = useAction();

  if (family.error && !family.data)
    return <LoadError message={family.error} onRetry={() => void family.reload()} />;
  if (!family.data) return <Loading what="the family’s settings" />;
  const current = draft ?? fromSettings(family.data);
  const edit = (change: Partial<typeof current>) => {
    setSaved('');
    setDraft({ ...current, ...change });
  };
  const field = action.field;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    const name = current.name.trim();
    const domains = current.domains.split(/[\s,;]+/).filter(Boolean);
    const done = await action.run('save', () =>
      saveFamily({
        ...(name && { name }),
        signUp: { mode: current.mode, ...(current.mode === 'domains' && { domains }) },
      }),
    );
    if (!done) return;
    await family.reload(done.seq);
    setDraft(null);
    setSaved('Saved.');
  };

  return (
    <Section title="The family" description="Its name, and how new people may join.">
      <form className="flex max-w-xl flex-col gap-4" onSubmit={submit} aria-label="Family settings">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-name`}>Family name</Label>
          <Input
            id={`${id}-name`}
            value={current.name}
            maxLength={80}
            placeholder="The Smiths"
            aria-invalid={field === 'name' || undefined}
            aria-describedby={field === 'name' ? `${id}-error` : undefined}
            onChange={(e) => edit({ name: e.target.value })}
          />
        </div>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">Who may sign up</legend>
          {family.data.signUpFromHubSettings && !draft && (
            <p className="text-xs text-muted-foreground">
              Nobody has chosen yet: this is what the hub was started with.
            </p>
          )}
          {MODES.map((m) => {
            // Without mail nothing proves an address is its owner's: the edge refuses domains.
            const unavailable = m.value === 'domains' && family.data?.mailConfigured === false;
            return (
              <label key={m.value} className="flex items-start gap-2 text-sm">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  value={m.value}
                  className="mt-0.5"
                  checked={current.mode === m.value}
                  disabled={unavailable && current.mode !== 'domains'}
                  onChange={() => edit({ mode: m.value })}
                />
                <span>
                  <span className="font-medium">{m.label}</span>
                  <span className="block text-xs text-muted-foreground">
                    {unavailable ? 'Needs Hearth to send email (SMTP_URL), to check addresses.' : m.hint}
                  </span>
                </span>
              </label>
            );
          })}
        </fieldset>
        {current.mode === 'domains' && (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={`${id}-domains`}>Allowed email domains</Label>
            <Textarea
              id={`${id}-domains`}
              rows={2}
              placeholder="example.com"
              value={current.domains}
              aria-invalid={field === 'domains' || undefined}
              aria-describedby={`${id}-domains-hint${field === 'domains' ? ` ${id}-error` : ''}`}
              onChange={(e) => edit({ domains: e.target.value })}
            />
            <p id={`${id}-domains-hint`} className="text-xs text-muted-foreground">
              One or more, separated by commas or spaces.
            </p>
          </div>
        )}
        <div id={`${id}-error`}>
          <ErrorText message={action.error} />
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" data-requires="family.manage" disabled={action.busy !== null}>
            Save family settings
          </Button>
          <p role="status" className="text-sm">
            {saved}
          </p>
        </div>
      </form>
    </Section>
  );
}

function fromSettings(s: FamilySettings) {
  return { name: s.name ?? '', mode: s.signUp.mode, domains: s.signUp.domains.join(', ') };
}

function TimeZoneForm() {
  const id = useId();
  const settings = useLoad(getPlaySettings);
  const [zone, setZone] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const action = useAction();
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);

  if (settings.error && !settings.data)
    return <LoadError message={settings.error} onRetry={() => void settings.reload()} />;
  if (!settings.data) return <Loading what="the time zone" />;
  const timeZone = zone ?? settings.data.time_zone;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    const done = await action.run('save', () => saveTimeZone(timeZone.trim()));
    if (!done) return;
    await settings.reload(done.seq);
    setZone(null);
    setSaved('Saved.');
  };

  return (
    <Section title="Time zone" description="Days and weeks (chores, challenges, the week’s board) follow it.">
      <form className="flex max-w-xl flex-col gap-3" onSubmit={submit} aria-label="Time zone">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-zone`}>Family time zone</Label>
          <Input
            id={`${id}-zone`}
            list={`${id}-zones`}
            value={timeZone}
            className="max-w-sm"
            aria-invalid={action.error ? true : undefined}
            aria-describedby={action.error ? `${id}-error` : undefined}
            onChange={(e) => {
              setSaved('');
              setZone(e.target.value);
            }}
          />
          <datalist id={`${id}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <div id={`${id}-error`}>
          <ErrorText message={action.error} />
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" data-requires="play.manage" disabled={action.busy !== null}>
            Save time zone
          </Button>
          <p role="status" className="text-sm">
            {saved}
          </p>
        </div>
      </form>
    </Section>
  );
}
