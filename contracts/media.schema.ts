// Media command bodies and queries, checked before anything is decided. The upload itself is
// multipart (its parts are checked by edge/media/multipart.ts); everything else is JSON.
import type { JSONSchemaType } from 'ajv';

const ID = '^[A-Za-z0-9_-]{1,128}$';
const id = { type: 'string', pattern: ID } as const;
const SEQ = '^[0-9]{1,15}$';

export const MAX_ALBUM_TITLE = 100;

export type MediaSettingsBody = { children_may_upload?: boolean; strip_location?: boolean };
export const mediaSettingsBody: JSONSchemaType<MediaSettingsBody> = {
  type: 'object',
  properties: {
    children_may_upload: { type: 'boolean', nullable: true },
    strip_location: { type: 'boolean', nullable: true },
  },
  additionalProperties: false,
};

export type CreateAlbumBody = { title: string };
export const createAlbumBody: JSONSchemaType<CreateAlbumBody> = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1, maxLength: MAX_ALBUM_TITLE } },
  required: ['title'],
  additionalProperties: false,
};

export type AlbumFileBody = { file_id: string };
export const albumFileBody: JSONSchemaType<AlbumFileBody> = {
  type: 'object',
  properties: { file_id: id },
  required: ['file_id'],
  additionalProperties: false,
};

/** GET /media: the gallery's page. `before` is the previous page's next_before (a sequence). */
export type MediaQuery = { before?: string; owner?: string; kind?: string; limit?: string; after?: string };
export const mediaQuery: JSONSchemaType<MediaQuery> = {
  type: 'object',
  properties: {
    before: { type: 'string', nullable: true, pattern: SEQ },
    owner: { type: 'string', nullable: true, pattern: ID },
    kind: { type: 'string', nullable: true, enum: ['photo', 'attachment', 'avatar', 'all'] },
    limit: { type: 'string', nullable: true, pattern: '^[0-9]{1,3}$' },
    after: { type: 'string', nullable: true, pattern: SEQ },
  },
  additionalProperties: false,
};

export type DownloadQuery = { thumb?: string; after?: string };
export const downloadQuery: JSONSchemaType<DownloadQuery> = {
  type: 'object',
  properties: {
    thumb: { type: 'string', nullable: true, enum: ['0', '1', 'true', 'false'] },
    after: { type: 'string', nullable: true, pattern: SEQ },
  },
  additionalProperties: false,
};
