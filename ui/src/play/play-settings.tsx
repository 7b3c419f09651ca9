// Managing play: the family's play settings (time zone, who is left off the boards). An
// error about the time zone is shown under it and tied to it (aria-describedby).
import { type FormEvent, useMemo, useState } from 'react';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { ApiError } from '../lib/http.ts';
import { getSettings, saveSettings } from './api.ts';
import { TextField } from './fields.tsx';
import { FormError, LoadError, Loading, Section } from './parts.tsx';
import { useFamily } from './people.ts';
import { useCommand, usePlayData } from './store.tsx';

export function SettingsForm({ me }: { me: User }) {
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
  const zoneError = field === 'time_zone' && saveError !== null;

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
      <form
        className="flex flex-col gap-4"
        onSubmit={submit}
        aria-label="Play settings"
        data-requires="play.manage"
      >
        <div className="flex flex-col gap-2">
          <TextField
            id="play-time-zone"
            label="Family time zone"
            className="max-w-sm"
            suggestions={zones}
            invalid={zoneError}
            describedBy={zoneError ? 'play-time-zone-error' : undefined}
            value={timeZone}
            onChange={(zone) => {
              setZone(zone);
              setSaved(false);
            }}
          />
          {zoneError && (
            <p id="play-time-zone-error" className="text-sm font-medium text-destructive">
              {timeZone.trim() === ''
                ? 'Choose the family’s time zone.'
                : `Hearth does not know the time zone “${timeZone.trim()}”. Pick one from the list, such as Europe/London.`}
            </p>
          )}
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
        {!zoneError && <FormError message={saveError?.message} />}
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
