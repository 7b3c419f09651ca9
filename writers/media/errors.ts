// The media domain's own refusals. The upload path's (too large, type, multipart, scanner,
// infected, range) are in upload-errors.ts, beside the libraries that raise them.
import { defineErrors } from '../../contracts/errors.ts';

export const mediaErrors = defineErrors('media', {
  childrenMayNotUpload: {
    status: 403,
    message: 'Children cannot upload unless an admin allows it in the family media settings.',
  },
  fileNotFound: { status: 404, message: 'No such file.' },
  notOwner: { status: 403, message: 'Only the person who uploaded a file, or an admin, can delete it.' },
  albumNotFound: { status: 404, message: 'No such album.' },
  notInAlbum: { status: 404, message: 'That file is not in this album.' },
  albumExists: { status: 409, message: 'That album already exists.' },
  notYourAttachment: {
    status: 400,
    message: 'A file sent in a chat can go in an album only by the person who sent it.',
  },
  /** Another upload of the same bytes stored them first, or their key was released: ask again. */
  blobChanged: { status: 409, message: 'The same file was stored or deleted at the same moment; try again.' },
});
