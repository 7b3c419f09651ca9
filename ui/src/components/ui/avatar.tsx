// An avatar (shadcn/ui's Avatar look, without Radix): the member's picture when they have one
// (lib/avatars.ts, by the seed, which is their user id), else their initials; with an
// optional presence dot.
import { useState } from 'react';
import { useAvatarImage } from '../../lib/avatars.ts';
import { cn } from '../../lib/utils.ts';

const TONES = ['bg-orange-200', 'bg-amber-200', 'bg-lime-200', 'bg-sky-200', 'bg-rose-200', 'bg-violet-200'];

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts.at(-1)?.[0] ?? ''}` : name.slice(0, 2);
  return letters.toUpperCase() || '?';
}

/** The same person always gets the same colour. */
function tone(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return TONES[h % TONES.length] ?? 'bg-muted';
}

export function Avatar({
  name,
  seed = name,
  online,
  className,
}: {
  name: string;
  seed?: string;
  /** undefined: no dot at all. */
  online?: boolean | undefined;
  className?: string;
}) {
  const image = useAvatarImage(seed);
  // A picture that cannot be had (deleted, offline) gives way to the initials.
  const [broken, setBroken] = useState<string | null>(null);
  return (
    <span className={cn('relative inline-flex size-8 shrink-0', className)}>
      {image && broken !== image ? (
        <img
          src={image}
          alt=""
          data-testid="avatar-image"
          className="size-full rounded-full bg-muted object-cover"
          onError={() => setBroken(image)}
        />
      ) : (
        <span
          className={cn(
            'flex size-full items-center justify-center rounded-full text-xs font-semibold text-stone-700',
            tone(seed),
          )}
          aria-hidden="true"
        >
          {initials(name)}
        </span>
      )}
      {online !== undefined && <PresenceDot online={online} className="absolute -right-0.5 -bottom-0.5" />}
    </span>
  );
}

export function PresenceDot({ online, className }: { online: boolean; className?: string }) {
  return (
    <span
      role="img"
      data-online={online}
      aria-label={online ? 'online' : 'offline'}
      className={cn(
        'block size-2.5 rounded-full ring-2 ring-background',
        online ? 'bg-online' : 'bg-stone-300',
        className,
      )}
    />
  );
}
