// How one file shows: a tile in the gallery (a thumbnail, a play badge on videos, a PDF as a
// link with its size), and inline in a message (chat can use Attachment as it is).
import { FileText, Play } from 'lucide-react';
import type { MediaFile, UploadResponse } from '../../../contracts/media.api.ts';
import { cn } from '../lib/utils.ts';
import { formatSize, shownAs } from './words.ts';

type Shape = Pick<UploadResponse, 'url' | 'thumbnail_url' | 'size_bytes'> &
  Partial<Pick<MediaFile, 'content_type' | 'file_name' | 'width' | 'height' | 'thumbnail_note'>>;

/** A link to a PDF (or any file that is not shown inline), with its size. */
export function FileLink({ file, className }: { file: Shape; className?: string }) {
  const name = file.file_name || 'Document';
  return (
    <a
      href={file.url}
      target="_blank"
      rel="noopener"
      download={file.file_name || undefined}
      className={cn(
        'flex min-w-0 items-center gap-2 rounded-lg border bg-card px-3 py-2 text-sm hover:bg-accent',
        className,
      )}
    >
      <FileText className="size-5 shrink-0 text-primary" aria-hidden="true" />
      <span className="min-w-0 flex-1 truncate font-medium">{name}</span>
      <span className="shrink-0 text-xs text-muted-foreground">{formatSize(file.size_bytes)}</span>
    </a>
  );
}

/** A file inside a message: the picture, a video player, or a PDF link. */
export function Attachment({ file, className }: { file: Shape; className?: string }) {
  const shown = shownAs(file.content_type ?? 'image/jpeg');
  if (shown === 'pdf') return <FileLink file={file} className={cn('max-w-xs', className)} />;
  if (shown === 'video')
    return (
      // biome-ignore lint/a11y/useMediaCaption: family videos come without captions
      <video
        controls
        preload="metadata"
        src={file.url}
        poster={file.thumbnail_url || undefined}
        className={cn('max-h-80 max-w-full rounded-lg bg-black', className)}
      />
    );
  return (
    <a href={file.url} target="_blank" rel="noopener" className="inline-block max-w-full">
      <img
        src={file.thumbnail_url || file.url}
        alt={file.file_name || 'Photo'}
        loading="lazy"
        width={file.width ?? undefined}
        height={file.height ?? undefined}
        className={cn('max-h-64 max-w-full rounded-lg bg-muted object-contain', className)}
      />
    </a>
  );
}

/** A square tile in a grid: the thumbnail, with a play badge on a video. */
export function Tile({ file, onOpen, label }: { file: MediaFile; onOpen: () => void; label?: string }) {
  const shown = shownAs(file.content_type);
  if (shown === 'pdf') return <FileLink file={file} className="h-full" />;
  const name = label ?? `${shown === 'video' ? 'Video' : 'Photo'} ${file.file_name} from ${file.owner_name}`;
  return (
    <button
      type="button"
      onClick={onOpen}
      aria-label={name}
      data-testid="media-tile"
      data-file={file.id}
      className="group relative block aspect-square w-full overflow-hidden rounded-lg bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
    >
      {file.thumbnail_url ? (
        <img
          src={file.thumbnail_url}
          alt=""
          loading="lazy"
          className="size-full object-cover transition-transform group-hover:scale-105 motion-reduce:transition-none"
        />
      ) : (
        <span className="flex size-full items-center justify-center p-2 text-center text-xs text-muted-foreground">
          {file.thumbnail_note || file.file_name}
        </span>
      )}
      {shown === 'video' && (
        <span
          className="absolute inset-0 flex items-center justify-center"
          data-testid="play-badge"
          aria-hidden="true"
        >
          <span className="flex size-10 items-center justify-center rounded-full bg-black/60 text-white">
            <Play className="size-5 fill-current" />
          </span>
        </span>
      )}
    </button>
  );
}
