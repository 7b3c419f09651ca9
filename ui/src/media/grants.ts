// The edge's grants the media screens ask about (edge/http/permissions.ts names them).
import { useCallback } from 'react';
import type { MediaFile } from '../../../contracts/media.api.ts';
import type { User } from '../identity/api.ts';
import { type Grant, useCan } from '../identity/permissions.tsx';

/** Delete anyone's file (an owner may always delete their own). */
export const MODERATE: Grant = 'media.moderate';
/** Change the family's media settings. */
export const MANAGE: Grant = 'media.manage';

/** Whether the viewer offers Delete: the owner always, anyone else if the edge lets them moderate. */
export function useCanDelete(me: User): (f: MediaFile) => boolean {
  const moderate = useCan(MODERATE);
  return useCallback((f: MediaFile) => f.owner_id === me.id || moderate, [me.id, moderate]);
}
