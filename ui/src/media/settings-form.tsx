// The family's media settings, for admins in the console's Family settings: whether children
// may share files, and whether location is taken out of the originals (thumbnails never keep it).
import { type FormEvent, useState } from 'react';
import type { MediaSettings } from '../../../contracts/media.api.ts';
import { Button } from '../components/ui/button.tsx';
import { errorMessage } from '../lib/http.ts';
import { getSettings, saveSettings } from './api.ts';
import { forgetCanUpload } from './can-upload.ts';
import { MANAGE } from './grants.ts';
import { LoadError, Loading, Section, useLoad } from './parts.tsx';

export function MediaSettingsForm() {
  const settings = useLoad(getSettings);
  const [draft, setDraft] = useState<MediaSettings | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (settings.error && !settings.data)
    return <LoadError message={settings.error} onRetry={() => void settings.reload()} />;
  if (!settings.data) return <Loading what="the media settings" />;
  const current = draft ?? settings.data;
  const edit = (change: Partial<MediaSettings>) => {
    setSaid('');
    setDraft({ ...current, ...change });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = await saveSettings(current);
      forgetCanUpload();
      await settings.reload(done?.seq);
      setDraft(null);
      setSaid('Saved.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Photos and files" description="Who may share, and what shared photos keep.">
      <form className="flex max-w-xl flex-col gap-3" onSubmit={submit} aria-label="Media settings">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={current.children_may_upload}
            onChange={(e) => edit({ children_may_upload: e.target.checked })}
          />
          <span>
            <span className="font-medium">Children may share photos and files</span>
            <span className="block text-xs text-muted-foreground">
              They can always look at what the family shares.
            </span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={current.strip_location}
            onChange={(e) => edit({ strip_location: e.target.checked })}
          />
          <span>
            <span className="font-medium">Take location out of shared photos</span>
            <span className="block text-xs text-muted-foreground">
              So no photo says where the family lives. Thumbnails never keep it, whatever this says.
            </span>
          </span>
        </label>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <div className="flex items-center gap-3">
          <Button type="submit" data-requires={MANAGE} disabled={busy}>
            Save media settings
          </Button>
          <p role="status" className="text-sm">
            {said}
          </p>
        </div>
      </form>
    </Section>
  );
}
