// What the media routes under /api/v1 answer (edge/media builds them from the media read model;
// ui/src/media reads them). UploadResponse is seed 001's contract, kept exactly: fields may be
// added to these types, never renamed.

/** What an upload is for: an avatar has its own size limit and becomes the uploader's avatar. */
export const UPLOAD_KINDS = ['avatar', 'attachment', 'photo'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** The types Hearth keeps, judged by the file's bytes, never by its name or Content-Type. */
export const ALLOWED_CONTENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
  'video/mp4',
  'video/webm',
] as const;
export type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

/** POST /upload (multipart: file, optional type): seed 001's UploadResponse. */
export type UploadResponse = {
  id: string;
  /** /api/v1/files/<id>/download */
  url: string;
  /** /api/v1/files/<id>/download?thumb=1, or '' when there is no thumbnail. */
  thumbnail_url: string;
  sha256: string;
  size_bytes: number;
  /** Hearth's addition: the upload event's stream sequence, for ?after= (read-your-writes). */
  seq: number;
};

/** GET /files/:id, and each item of the gallery and of an album. */
export type MediaFile = UploadResponse & {
  kind: UploadKind;
  content_type: AllowedContentType;
  /** The name the uploader's device gave it, made safe (no path, no control characters). */
  file_name: string;
  owner_id: string;
  owner_name: string;
  /** Pixels, for images and videos with a poster; null otherwise. */
  width: number | null;
  height: number | null;
  /** Why there is no thumbnail, in words ('' when there is one): e.g. "no video tools on this hub". */
  thumbnail_note: string;
  created_at: string;
  /** Stream sequence of the upload event. */
  seq: number;
};

/**
 * GET /media?before=<cursor>&owner=<user id>&kind=photo|attachment|avatar|all&limit=<1..100>: the
 * family gallery, newest first. Without kind: the photos and videos uploaded for the gallery
 * (kind photo); with one, only that kind; `all`: every photo and avatar. A chat attachment is
 * listed only to its sender (kind attachment or all): to anyone else it is no file at all, and
 * GET /files/:id answers it (else 404) only to its sender and the members of a channel where a
 * live message carries it.
 */
export type MediaPage = {
  files: MediaFile[];
  /** Pass as ?before= for the next (older) page; null at the end. */
  next_before: string | null;
};

/** GET /media/status: what uploads do on this hub right now, for the upload screen. */
export type MediaStatus = {
  /** 'ready' when clamd answers; 'unavailable' means uploads are refused (503 scanner_unavailable). */
  scanner: 'ready' | 'unavailable';
  /** Plain words for the upload screen, e.g. why uploads are off and how an admin turns them on. */
  scanner_note: string;
  /** Whether videos get a poster frame (ffmpeg on the hub). */
  video_posters: boolean;
  max_file_size: number;
  max_avatar_size: number;
  /** Whether the caller may upload at all (children only when the family allows it). */
  can_upload: boolean;
};

/** GET/PUT /media/settings (PUT: admins): the family's media settings. */
export type MediaSettings = {
  children_may_upload: boolean;
  /** Strip location (GPS) from originals; thumbnails never keep any metadata. On by default. */
  strip_location: boolean;
};

/** GET /albums and the head of GET /albums/:id. Any member can create one and add to it. */
export type Album = {
  id: string;
  title: string;
  created_by: string;
  created_at: string;
  count: number;
  /** The newest file's thumbnail, or ''. */
  cover_thumbnail_url: string;
};

export type AlbumList = { albums: Album[] };
export type AlbumDetail = { album: Album; files: MediaFile[] };

export type Accepted = { seq: number };
export type Created = { id: string; seq: number };
