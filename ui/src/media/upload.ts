// One file up to POST /api/v1/upload, through XMLHttpRequest: fetch cannot report upload
// progress. Chat's attachments use it too. Errors are the edge's ApiError (the envelope's code
// picks the message: see words.ts); a cancel rejects with an AbortError DOMException.
import type { UploadKind, UploadResponse } from '../../../contracts/media.api.ts';
import { ApiError, REFUSED_EVENT } from '../lib/http.ts';

export type UploadProgress = { loaded: number; total: number };

export function uploadFile(
  file: File,
  kind: UploadKind,
  onProgress?: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const done = () => signal?.removeEventListener('abort', abort);

    xhr.open('POST', '/api/v1/upload');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) =>
      onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      done();
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        onProgress?.({ loaded: file.size, total: file.size });
        resolve(body as UploadResponse);
        return;
      }
      if (xhr.status === 403) window.dispatchEvent(new Event(REFUSED_EVENT));
      reject(toError(xhr.status, body));
    };
    // The edge may answer 413 and close before the body is sent: some browsers report that as a
    // network error, with the status still readable.
    xhr.onerror = () => {
      done();
      reject(xhr.status ? toError(xhr.status, parse(xhr.responseText)) : new TypeError('Network error'));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };

    const form = new FormData();
    // The type part first: the edge learns the size limit before the file streams in.
    form.append('type', kind);
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toError(status: number, body: Record<string, unknown> | null): ApiError {
  const code = typeof body?.code === 'string' ? body.code : `http_${status}`;
  const message = typeof body?.error === 'string' ? body.error : `Upload failed (${status}).`;
  return new ApiError(status, code, message);
}

/** Whether an error is a cancel the person asked for (nothing to report). */
export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';
