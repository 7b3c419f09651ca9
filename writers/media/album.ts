// An album: any member creates one and adds to it. Adding a file twice changes nothing.
import { create } from '@bufbuild/protobuf';
import {
  AlbumCreatedSchema,
  AlbumFileAddedSchema,
  AlbumFileRemovedSchema,
  type MediaEvent,
  MediaEventSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import type { AggregateType } from '../log/append.ts';
import { mediaErrors } from './errors.ts';
import { type Album, evolveAlbum, initialAlbum, type MediaEventBody } from './state.ts';

export type AlbumCommand =
  | { type: 'create'; albumId: string; title: string; by: string }
  | { type: 'add'; albumId: string; fileId: string; by: string }
  | { type: 'remove'; albumId: string; fileId: string; by: string };

export function decideAlbum(command: AlbumCommand, state: Album): MediaEventBody[] {
  switch (command.type) {
    case 'create': {
      if (state.exists) throw mediaErrors.albumExists();
      const title = command.title.trim();
      return [
        {
          case: 'albumCreated',
          value: create(AlbumCreatedSchema, { albumId: command.albumId, title, createdBy: command.by }),
        },
      ];
    }
    case 'add':
      if (!state.exists) throw mediaErrors.albumNotFound(undefined, { field: 'id' });
      if (state.files.includes(command.fileId)) return [];
      return [
        {
          case: 'albumFileAdded',
          value: create(AlbumFileAddedSchema, {
            albumId: command.albumId,
            fileId: command.fileId,
            addedBy: command.by,
          }),
        },
      ];
    case 'remove':
      if (!state.exists) throw mediaErrors.albumNotFound(undefined, { field: 'id' });
      if (!state.files.includes(command.fileId)) throw mediaErrors.notInAlbum(undefined, { field: 'fileId' });
      return [
        {
          case: 'albumFileRemoved',
          value: create(AlbumFileRemovedSchema, {
            albumId: command.albumId,
            fileId: command.fileId,
            removedBy: command.by,
          }),
        },
      ];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const albumAggregate: AggregateType<Album, AlbumCommand, MediaEvent> = {
  domain: 'media',
  envelope: MediaEventSchema,
  subject: (names, id) => names.media.album(id),
  decider: { initialState: initialAlbum, evolve: evolveAlbum, decide: decideAlbum },
  concurrency: 'optimistic',
  expectsNew: (command) => command.type === 'create',
};
