// What the media routes share: the hub's dependencies, the writer, the blob store, the
// scanner, the settings, and the way an avatar becomes the profile image.
import type { MediaConfig } from '../config.ts';
import type { HubDeps } from '../http/deps.ts';
import type { UploadDeps } from './upload.ts';

/** Sets the person's identity profile image (as PATCH /me does), so every avatar renderer shows it. */
export type SetProfileImage = (input: { headers: Headers; userId: string; image: string }) => Promise<void>;

export type MediaKit = UploadDeps & {
  deps: HubDeps;
  config: MediaConfig;
  setProfileImage: SetProfileImage;
};
