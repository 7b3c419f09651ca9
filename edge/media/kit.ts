// What the media routes share: the hub's dependencies, the writer, the blob store, the
// scanner, the settings, and the way an avatar becomes the profile image.
import type { HubDeps } from '../http/deps.ts';
import type { UploadDeps } from './upload.ts';

/** Uploads: the scanner, where the bytes live, the size limits and where uploads land first. */
export type MediaConfig = {
  /** clamd: tcp://host:port, unix:/path or an absolute socket path; unset: uploads are refused (503). */
  clamdUrl: string | undefined;
  /** 'nats': JetStream's Object Store (replicated with the cluster); 'fs:<dir>': files in a directory. */
  store: 'nats' | `fs:${string}`;
  maxFileSize: number;
  maxAvatarSize: number;
  /** Uploads stream here before they are scanned; each is removed once answered. */
  tmpDir: string;
  /** An upload whose body sends nothing for this long is refused (400) and its connection closed. */
  idleTimeoutMs: number;
  /** Stored bytes nothing references are removed once older than this (projectors/media-sweep). */
  sweepGraceMs: number;
  /** The ffmpeg command (video posters, removing a video's location). */
  ffmpeg: string;
};

/**
 * Sets the person's identity profile image (as PATCH /me does, with their own request), so
 * every avatar renderer shows it; or clears it for whoever deletes that avatar's file (its owner
 * or an admin), only while it still shows that file.
 */
export type SetProfileImage = (
  input:
    | { headers: Headers; userId: string; image: string }
    | { userId: string; image: null; onlyIfShowing: string },
) => Promise<void>;

export type MediaKit = UploadDeps & {
  deps: HubDeps;
  config: MediaConfig;
  setProfileImage: SetProfileImage;
};
