// The upload and download path's errors (edge/media's libraries). The media domain's own codes
// live in errors.ts beside this file; both share the 'media' prefix.
import { defineErrors } from '../../contracts/errors.ts';

/** Seconds a client waits before it tries again while the scanner is away. */
export const SCANNER_RETRY_AFTER_SECONDS = 30;

export const uploadErrors = defineErrors('media', {
  tooLarge: { status: 413, message: 'This file is too large.' },
  typeNotAllowed: {
    status: 415,
    message:
      'This kind of file cannot be shared: photos (JPEG, PNG, GIF, WebP), videos (MP4, WebM) and PDFs only.',
  },
  badMultipart: { status: 400, message: 'The upload is not a well-formed multipart/form-data body.' },
  scannerUnavailable: {
    status: 503,
    message: 'The virus scanner is not answering, so uploads are paused; retry shortly.',
  },
  /** Location stripping is on and this hub has no tool to strip this type (a video without ffmpeg). */
  cannotStripLocation: {
    status: 422,
    message:
      "This hub can't remove location from this file; ask an admin to install ffmpeg or turn off location stripping.",
  },
  infected: {
    status: 422,
    message: 'The virus scanner found something harmful in this file; it was not kept.',
  },
});

/** 503 with Retry-After: 30 (errorResponse sets the header from retryAfterSeconds). */
export const scannerUnavailable = (message?: string) =>
  uploadErrors.scannerUnavailable(message, { retryAfterSeconds: SCANNER_RETRY_AFTER_SECONDS });

/**
 * 416 is not one of HearthError's statuses (contracts/errors.ts), so serve.ts answers this one
 * itself with the same envelope.
 */
export const RANGE_NOT_SATISFIABLE = {
  code: 'media.range_not_satisfiable',
  error: 'The requested range is outside the file.',
} as const;
