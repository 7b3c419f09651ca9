// Removes a released blob's bytes from the blob store. BlobReleased comes once the blob's last
// reference was deleted; its key is never used again, so removing what is under it (the
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
    wants: (e) => e.event.case === 'blobReleased',
    react: async (events, { logger }) => {
      for (const e of events) {
        if (e.event.case !== 'blobReleased') continue;
        const key = e.event.value.storageKey;
        await store.remove(key);
        await store.remove(thumbnailKey(key));
        logger.info({ key, sha256: e.event.value.sha256 }, 'released blob removed');
      }
    },
  };
}
