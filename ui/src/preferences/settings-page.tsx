// The member's own settings (/settings, from the user menu): the theme, applied as it is
// picked; language and time zone; which notifications they want; and their assistant. The
// family's settings are the admins', in the console.
import { type FormEvent, useState } from 'react';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../../contracts/home.schema.ts';
import type { MemberPreferences } from '../../../contracts/preferences.api.ts';
import {
  LANGUAGE_TAGS,
  LANGUAGES,
  type Language,
  THEMES,
  type Theme,
} from '../../../contracts/preferences.schema.ts';
import { Section } from '../components/section.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { KIND_LABELS } from '../home/words.ts';
import { errorMessage } from '../lib/http.ts';
import { usePageTitle } from '../lib/title.ts';
import { AssistantForm } from './assistant-form.tsx';
import { preferencesStore, usePreferences } from './store.ts';

export const SETTINGS_PATH = '/settings';

const THEME_LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'Same as this device' };
const select =
  'h-9 w-full rounded-md border border-input bg-transparent px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring';

/** Every zone this browser knows, for the picker (the server checks against its own list). */
const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

export function SettingsPage() {
  usePageTitle('Settings');
  const preferences = usePreferences((s) => s.preferences);
  const loadError = usePreferences((s) => s.error);
  const [error, setError] = useState<string | null>(null);
  const save = async (change: Parameters<typeof preferencesStore.save>[0]) => {
    setError(null);
    try {
      await preferencesStore.save(change);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    }
  };

  return (
    <section aria-labelledby="settings-title" className="flex min-h-0 flex-1 flex-col overflow-y-auto p-4">
      <h1 id="settings-title" className="text-lg font-semibold">
        Settings
      </h1>
      <p className="mb-4 text-sm text-muted-foreground">Yours alone: they follow you to every device.</p>
      {error && (
        <Alert variant="destructive" className="mb-3" role="alert">
          {error}
        </Alert>
      )}
      {!preferences ? (
        loadError ? (
          <Alert variant="destructive" role="alert">
            {loadError}
          </Alert>
        ) : (
          <p className="text-sm text-muted-foreground">Loading…</p>
        )
      ) : (
        <div className="flex max-w-2xl flex-col gap-4">
          <ThemePicker theme={preferences.theme} onPick={(theme) => void save({ theme })} />
          <PlaceForm
            key={`${preferences.language}|${preferences.time_zone}`}
            preferences={preferences}
            save={save}
          />
          <NotificationsPicker
            muted={preferences.muted_notifications}
            onChange={(muted_notifications) => void save({ muted_notifications })}
          />
          <AssistantForm preferences={preferences} save={save} />
        </div>
      )}
    </section>
  );
}

export type Save = (change: Parameters<typeof preferencesStore.save>[0]) => Promise<boolean>;

function ThemePicker({ theme, onPick }: { theme: Theme; onPick: (t: Theme) => void }) {
  return (
    <Section title="Theme" description="Applied at once, on every page you have open.">
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">Theme</legend>
        {THEMES.map((t) => (
          <label key={t} className="flex items-center gap-2">
            <input type="radio" name="theme" value={t} checked={theme === t} onChange={() => onPick(t)} />
            {THEME_LABELS[t]}
          </label>
        ))}
      </fieldset>
    </Section>
  );
}

function PlaceForm({ preferences, save }: { preferences: MemberPreferences; save: Save }) {
  // What the member is editing; until then (and once saved) the form shows what they have.
  const [draft, setDraft] = useState<{ language: Language; time_zone: string } | null>(null);
  const [said, setSaid] = useState('');
  const { language, time_zone: zone } = draft ?? preferences;
  const edit = (change: Partial<{ language: Language; time_zone: string }>) => {
    setSaid('');
    setDraft({ language, time_zone: zone, ...change });
  };
  const zones = zone && !ZONES.includes(zone) ? [zone, ...ZONES] : ZONES;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save({ language, time_zone: zone })) {
      setDraft(null);
      setSaid('Saved.');
    }
  };
  return (
    <Section title="Language and time zone">
      <form className="grid gap-3 sm:grid-cols-2" onSubmit={submit} aria-label="Language and time zone">
        <label className="flex flex-col gap-1 text-sm">
          Language
          <select
            className={select}
            value={language}
            onChange={(e) => edit({ language: e.target.value as Language })}
          >
            {LANGUAGE_TAGS.map((tag) => (
              <option key={tag} value={tag} lang={tag}>
                {LANGUAGES[tag]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Time zone
          <select className={select} value={zone} onChange={(e) => edit({ time_zone: e.target.value })}>
            <option value="">This device’s own</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit">Save</Button>
          <span className="text-sm text-muted-foreground" aria-live="polite">
            {said}
          </span>
        </div>
      </form>
    </Section>
  );
}

function NotificationsPicker({
  muted,
  onChange,
}: {
  muted: NotificationKind[];
  onChange: (m: NotificationKind[]) => void;
}) {
  const off = new Set(muted);
  return (
    <Section title="Notifications" description="What the bell tells you about.">
      <fieldset className="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2">
        <legend className="sr-only">Tell me about</legend>
        {NOTIFICATION_KINDS.map((kind) => (
          <label key={kind} className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={!off.has(kind)}
              onChange={(e) =>
                onChange(e.target.checked ? muted.filter((k) => k !== kind) : [...muted, kind])
              }
            />
            {KIND_LABELS[kind]}
          </label>
        ))}
      </fieldset>
    </Section>
  );
}
