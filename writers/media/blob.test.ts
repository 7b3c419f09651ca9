import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  BlobReleasedSchema,
  FileDeletedSchema,
  FileUploadedSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { type BlobCommand, blobAggregate } from './blob.ts';
import type { BlobInfo, MediaEventBody } from './state.ts';

const spec = deciderSpec(blobAggregate.decider);
const sha256 = 'a'.repeat(64);
const info: BlobInfo = {
  contentType: 'image/jpeg',
  storedBytes: 900,
  width: 640,
  height: 480,
  hasThumbnail: true,
  thumbnailNote: '',
  locationStripped: true,
};

const upload = (over: Partial<Extract<BlobCommand, { type: 'upload' }>> = {}): BlobCommand => ({
  type: 'upload',
  fileId: 'f1',
  sha256,
  ownerId: 'ann',
  kind: 'photo',
  fileName: 'beach.jpg',
  sizeBytes: 1000,
  key: 'k1',
  info,
  ...over,
});

const uploaded = (fileId: string, ownerId: string, key: string, stored: boolean): MediaEventBody => ({
  case: 'fileUploaded',
  value: create(FileUploadedSchema, {
    fileId,
    sha256,
    storageKey: key,
    ownerId,
    kind: 'photo',
    contentType: 'image/jpeg',
    fileName: 'beach.jpg',
    sizeBytes: 1000n,
    storedBytes: 900n,
    width: 640,
    height: 480,
    hasThumbnail: true,
    thumbnailNote: '',
    stored,
    locationStripped: true,
    blobId: sha256,
  }),
});
/** A deletion; with `releasedKey` when it was the last reference (the release in the same event). */
const deleted = (fileId: string, by: string, releasedKey = ''): MediaEventBody => ({
  case: 'fileDeleted',
  value: create(FileDeletedSchema, { fileId, sha256, deletedBy: by, releasedKey }),
});
const released = (key: string): MediaEventBody => ({
  case: 'blobReleased',
  value: create(BlobReleasedSchema, { sha256, storageKey: key }),
});
const remove = (fileId: string, by: string, mayManage = false): BlobCommand => ({
  type: 'delete',
  fileId,
  sha256,
  by,
  mayManage,
});

describe('uploading bytes nobody stored yet', () => {
  it('records the upload under the new key it put', () =>
    spec
      .given([])
      .when(upload())
      .thenEmits([uploaded('f1', 'ann', 'k1', true)]));

  it('records dimensions the read model could not store as unknown (0)', () => {
    const [event] = blobAggregate.decider.decide(
      upload({ info: { ...info, width: 3_000_000_000, height: -1 } }),
      blobAggregate.decider.initialState,
    );
    expect(event?.case === 'fileUploaded' && [event.value.width, event.value.height]).toEqual([0, 0]);
  });

  it('refuses a key that was released before: a late removal could take its bytes', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann'), released('k1')])
      .when(upload({ fileId: 'f2', key: 'k1' }))
      .thenFails('media.blob_changed'));

  it('stores again under a new key once the old one is released', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann'), released('k1')])
      .when(upload({ fileId: 'f2', key: 'k2' }))
      .thenEmits([uploaded('f2', 'ann', 'k2', true)]));

  it('finishes a release that a crash left unwritten before storing anew', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann')])
      .when(upload({ fileId: 'f2', key: 'k2' }))
      .thenEmits([released('k1'), uploaded('f2', 'ann', 'k2', true)]));
});

describe('uploading bytes that are already stored', () => {
  it('reuses the live key, with what was stored under it', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true)])
      .when(upload({ fileId: 'f2', ownerId: 'bob', key: 'k1', info: { ...info, width: 1 } }))
      .thenEmits([uploaded('f2', 'bob', 'k1', false)]));

  it('refuses another key: someone stored the same bytes first', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true)])
      .when(upload({ fileId: 'f2', key: 'k2' }))
      .thenFails('media.blob_changed'));
});

describe('deleting an upload', () => {
  it('keeps the bytes while another upload points at them', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), uploaded('f2', 'bob', 'k1', false)])
      .when(remove('f1', 'ann'))
      .thenEmits([deleted('f1', 'ann')]));

  it('releases the key with the last reference, in the same event (no crash falls between)', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), uploaded('f2', 'bob', 'k1', false), deleted('f1', 'ann')])
      .when(remove('f2', 'bob'))
      .thenEmits([deleted('f2', 'bob', 'k1')]));

  it('lets an admin delete anyone’s', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true)])
      .when(remove('f1', 'admin', true))
      .thenEmits([deleted('f1', 'admin', 'k1')]));

  it('never uses a key released by a deletion again', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann', 'k1')])
      .when(upload({ fileId: 'f2', key: 'k1' }))
      .thenFails('media.blob_changed'));

  it('stores anew after a deletion that released, with nothing pending', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann', 'k1')])
      .when(upload({ fileId: 'f2', key: 'k2' }))
      .thenEmits([uploaded('f2', 'ann', 'k2', true)]));

  it('refuses someone who is neither its owner nor an admin', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true)])
      .when(remove('f1', 'bob'))
      .thenFails('media.not_owner'));

  it('refuses an upload it does not know', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true)])
      .when(remove('f9', 'ann'))
      .thenFails('media.file_not_found'));

  it('refuses one already deleted', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), uploaded('f2', 'ann', 'k1', false), deleted('f1', 'ann')])
      .when(remove('f1', 'ann'))
      .thenFails('media.file_not_found'));

  it('finishes a release left pending by a log written before releases rode on the deletion', () =>
    spec
      .given([uploaded('f1', 'ann', 'k1', true), deleted('f1', 'ann')])
      .when(remove('f1', 'ann'))
      .thenEmits([released('k1')]));
});
