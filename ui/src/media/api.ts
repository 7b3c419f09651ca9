// The media routes of the edge's public API (/api/v1): uploads, files, the gallery, albums and
// the family's media settings. Shapes are the contract's (contracts/media.api.ts). Reads take
// `after`, the sequence of a command this page sent, so what comes back already includes it.
import type {
  AlbumDetail,
  AlbumList,
  Created,
  MediaFile,
  MediaPage,
  MediaSettings,
  MediaStatus,
} from '../../../contracts/media.api.ts';
import { api } from '../lib/http.ts';

export type {
  Album,
  AlbumDetail,
  MediaFile,
  MediaPage,
  MediaSettings,
  MediaStatus,
  UploadKind,
  UploadResponse,
} from '../../../contracts/media.api.ts';
export { type UploadProgress, uploadFile } from './upload.ts';

const part = encodeURIComponent;

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const getStatus = () => api<MediaStatus>('/api/v1/media/status');

/** One page of the gallery, newest first; `before` is the previous page's next_before. */
export const getMedia = (p: {
  before?: string | null;
  owner?: string | null;
  kind?: 'photo' | 'attachment';
  limit?: number;
  after?: number;
}) => api<MediaPage>(`/api/v1/media${query(p)}`);

export const getFile = (id: string) => api<MediaFile>(`/api/v1/files/${part(id)}`);
export const deleteFile = (id: string) => api<null>(`/api/v1/files/${part(id)}`, { method: 'DELETE' });

export const getSettings = (after?: number) =>
  api<MediaSettings>(`/api/v1/media/settings${query({ after })}`);
export const saveSettings = (body: MediaSettings) =>
  api<{ seq: number } | null>('/api/v1/media/settings', { method: 'PUT', body });

export const getAlbums = (after?: number) => api<AlbumList>(`/api/v1/albums${query({ after })}`);
export const getAlbum = (id: string, after?: number) =>
  api<AlbumDetail>(`/api/v1/albums/${part(id)}${query({ after })}`);
export const createAlbum = (title: string) => api<Created>('/api/v1/albums', { body: { title } });
export const addToAlbum = (albumId: string, fileId: string) =>
  api<{ seq: number }>(`/api/v1/albums/${part(albumId)}/files`, { body: { file_id: fileId } });
export const removeFromAlbum = (albumId: string, fileId: string) =>
  api<{ seq: number } | null>(`/api/v1/albums/${part(albumId)}/files/${part(fileId)}`, { method: 'DELETE' });
