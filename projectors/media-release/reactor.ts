// Removes a released blob's bytes from the blob store. The release comes with the blob's last
// deletion (FileDeleted's released_key; BlobReleased on older logs); its key is never used again, so removing what is under it (the
// original and its thumbnail) can never take a newer upload's bytes. Removing a missing key is
// no error, so a redelivered batch removes nothing twice. It waits for media_files, so a file
// is answered 404 before its bytes go.
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { thumbnailKey } from '../../writers/media/blob.ts';
import type { BlobStore } from '../../writers/media/blobs.ts';
import { MEDIA_FILES } from '../media-files/projection.ts';
import type { Reactor } from '../runtime/types.ts';

export const MEDIA_RELEASE = 'media_release';

export function mediaReleaseReactor({
  store,
}: {
  store: Pick<BlobStore, 'remove'>;
}): Reactor<unknown, MediaEvent> {
  return {
    name: MEDIA_RELEASE,
    domain: 'media',
    reads: [MEDIA_FILES],
    wants: (e) => released(e.event) !== undefined,
    react: async (events, { logger }) => {
      for (const e of events) {
        const release = released(e.event);
        if (!release) continue;
        await store.remove(release.key);
        await store.remove(thumbnailKey(release.key));
        logger.info(release, 'released blob removed');
      }
    },
  };
}

function released(event: MediaEvent['event']): { key: string; sha256: string } | undefined {
  if (event.case === 'blobReleased') return { key: event.value.storageKey, sha256: event.value.sha256 };
  if (event.case === 'fileDeleted' && event.value.releasedKey)
    return { key: event.value.releasedKey, sha256: event.value.sha256 };
  return undefined;
}
