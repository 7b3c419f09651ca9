// The edge's grants the media screens ask about (edge/http/permissions.ts names them).
import { useCallback, useMemo } from 'react';
import type { MediaFile } from '../../../contracts/media.api.ts';
import type { User } from '../identity/api.ts';
import { type Grant, useCan } from '../identity/permissions.tsx';

/** Make albums and add to them (uploading itself follows /media/status's can_upload). */
export const UPLOAD: Grant = 'media.upload';
/** Delete anyone's file (an owner may always delete their own). */
export const MODERATE: Grant = 'media.manage';
/** Change the family's media settings. */
export const MANAGE: Grant = 'media.manage';

/**
 * Whether the viewer offers Delete: the owner always, anyone else if the edge lets them
 * moderate; and the grant a Delete needs on someone else's file (data-requires).
 */
export function useCanDelete(me: User) {
  const moderate = useCan(MODERATE);
  const canDelete = useCallback((f: MediaFile) => f.owner_id === me.id || moderate, [me.id, moderate]);
  const deleteRequires = useCallback(
    (f: MediaFile) => (f.owner_id === me.id ? undefined : MODERATE),
    [me.id],
  );
  return useMemo(() => ({ canDelete, deleteRequires }), [canDelete, deleteRequires]);
}
