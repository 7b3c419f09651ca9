import { create } from '@bufbuild/protobuf';
import { describe, it } from 'vitest';
import {
  AlbumCreatedSchema,
  AlbumFileAddedSchema,
  AlbumFileRemovedSchema,
  MediaSettingsChangedSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { deciderSpec } from '../../test/decider.ts';
import { albumAggregate } from './album.ts';
import { mediaSettingsAggregate } from './settings.ts';
import type { MediaEventBody } from './state.ts';

const spec = deciderSpec(albumAggregate.decider);
const created: MediaEventBody = {
  case: 'albumCreated',
  value: create(AlbumCreatedSchema, { albumId: 'a1', title: 'Summer', createdBy: 'ann' }),
};
const added = (fileId: string): MediaEventBody => ({
  case: 'albumFileAdded',
  value: create(AlbumFileAddedSchema, { albumId: 'a1', fileId, addedBy: 'ann' }),
});

describe('an album', () => {
  it('is created with its title trimmed', () =>
    spec
      .given([])
      .when({ type: 'create', albumId: 'a1', title: ' Summer ', by: 'ann' })
      .thenEmits([created]));

  it('is created once', () =>
    spec
      .given([created])
      .when({ type: 'create', albumId: 'a1', title: 'Again', by: 'ann' })
      .thenFails('media.album_exists'));

  it('takes a file, once', () => {
    spec
      .given([created])
      .when({ type: 'add', albumId: 'a1', fileId: 'f1', by: 'ann' })
      .thenEmits([added('f1')]);
    spec
      .given([created, added('f1')])
      .when({ type: 'add', albumId: 'a1', fileId: 'f1', by: 'ann' })
      .thenNothing();
  });

  it('gives a file back', () =>
    spec
      .given([created, added('f1')])
      .when({ type: 'remove', albumId: 'a1', fileId: 'f1', by: 'bob' })
      .thenEmits([
        {
          case: 'albumFileRemoved',
          value: create(AlbumFileRemovedSchema, { albumId: 'a1', fileId: 'f1', removedBy: 'bob' }),
        },
      ]));

  it('refuses to give back what it does not hold', () =>
    spec
      .given([created])
      .when({ type: 'remove', albumId: 'a1', fileId: 'f1', by: 'ann' })
      .thenFails('media.not_in_album'));

  it('does not exist before it is created', () =>
    spec
      .given([])
      .when({ type: 'add', albumId: 'a1', fileId: 'f1', by: 'ann' })
      .thenFails('media.album_not_found'));
});

describe('the family media settings', () => {
  const settings = deciderSpec(mediaSettingsAggregate.decider);

  it('start with children not uploading and location stripped; a change carries both', () =>
    settings
      .given([])
      .when({ type: 'change', childrenMayUpload: true, by: 'admin' })
      .thenEmits([
        {
          case: 'mediaSettingsChanged',
          value: create(MediaSettingsChangedSchema, {
            childrenMayUpload: true,
            stripLocation: true,
            changedBy: 'admin',
          }),
        },
      ]));

  it('append nothing when nothing changes', () =>
    settings.given([]).when({ type: 'change', stripLocation: true, by: 'admin' }).thenNothing());
});
