// "Change photo" on the member's own profile: an avatar upload (type=avatar), which the edge
// makes the member's avatar. The page shows the new picture at once wherever it shows them.
import { Camera } from 'lucide-react';
import { useRef, useState } from 'react';
import type { MediaStatus } from '../../../contracts/media.api.ts';
import { Button } from '../components/ui/button.tsx';
import type { User } from '../identity/api.ts';
import { setAvatarImage } from '../lib/avatars.ts';
import { getStatus } from './api.ts';
import { ProgressBar } from './parts.tsx';
import { uploadFile } from './upload.ts';
import { limitFor, uploadErrorMessage } from './words.ts';

const IMAGES = 'image/jpeg,image/png,image/gif,image/webp';

export function AvatarChange({ me }: { me: User }) {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);

  const send = async (file: File) => {
    setSaid(null);
    setProgress({ loaded: 0, total: file.size });
    // The limits and the scanner's words, for a refusal that needs them.
    const status = await getStatus().catch((): MediaStatus | null => null);
    try {
      const done = await uploadFile(file, 'avatar', setProgress);
      setAvatarImage(me.id, done.thumbnail_url || done.url);
      setSaid({ ok: true, text: 'Your new photo is in.' });
    } catch (err) {
      const text = uploadErrorMessage(err, {
        limit: limitFor('avatar', status),
        scannerNote: status?.scanner_note,
      });
      if (text) setSaid({ ok: false, text });
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="flex flex-col items-end gap-1">
      <input
        ref={input}
        type="file"
        accept={IMAGES}
        className="sr-only"
        aria-label="Choose a new profile photo"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void send(file);
        }}
      />
      <Button variant="outline" size="sm" disabled={progress !== null} onClick={() => input.current?.click()}>
        <Camera /> Change photo
      </Button>
      {progress && (
        <ProgressBar
          className="w-32"
          label="Uploading your photo"
          value={progress.loaded}
          max={progress.total}
        />
      )}
      {said && (
        <p
          role={said.ok ? 'status' : 'alert'}
          className={said.ok ? 'text-xs text-emerald-700' : 'max-w-xs text-right text-xs text-destructive'}
          data-testid="avatar-said"
        >
          {said.text}
        </p>
      )}
    </div>
  );
}
