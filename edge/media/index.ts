// Media in one hub process: the blob store, the scanner, the media read model, the reactors
// that remove released bytes and a deleted message's attachments, the writer and the routes.
import { mkdir } from 'node:fs/promises';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { mediaChatReactor, postFromLog } from '../../projectors/media-chat/reactor.ts';
import { mediaErasureReactor } from '../../projectors/media-erasure/reactor.ts';
import { mediaFilesProjection } from '../../projectors/media-files/projection.ts';
import { mediaReleaseReactor } from '../../projectors/media-release/reactor.ts';
import type { Projector } from '../../projectors/runtime/types.ts';
import type { Appender } from '../../writers/log/append.ts';
import type { Log } from '../../writers/log/open.ts';
import { type BlobStore, openBlobStore } from '../../writers/media/blobs.ts';
import { createMediaWriter } from '../../writers/media/commands.ts';
import type { HubEnv } from '../http/context.ts';
import type { HubDeps } from '../http/deps.ts';
import { albumRoutes } from './albums.routes.ts';
import { fileRoutes } from './files.routes.ts';
import type { MediaConfig, SetProfileImage } from './kit.ts';
import { mediaRoutes, SCANNER_UNCONFIGURED } from './routes.ts';
import { createScanner, type Scanner } from './scanner.ts';

export type Media = {
  projections: Projector[];
  store: BlobStore;
  scanner: Scanner;
  routes: (deps: HubDeps) => Hono<HubEnv>;
};

/** The routes whose body is a streamed upload: no JSON check, no global body limit. */
export const STREAMED_UPLOADS: ReadonlySet<string> = new Set(['/api/v1/upload']);

export async function createMedia({
  log,
  appender,
  config,
  logger,
  setProfileImage,
  replicas,
  onScan,
}: {
  log: Log;
  appender: Appender;
  config: MediaConfig;
  logger: Logger;
  setProfileImage: SetProfileImage;
  replicas?: number | undefined;
  /** Each scan's verdict (the hub's metrics); a scan that could not be made is `unavailable`. */
  onScan?: (verdict: 'clean' | 'infected' | 'unavailable') => void;
}): Promise<Media> {
  await mkdir(config.tmpDir, { recursive: true, mode: 0o700 });
  const store = await openBlobStore({ spec: config.store, nc: log.nc, names: log.names, replicas });
  const scanner = observed(createScanner({ url: config.clamdUrl }), onScan);
  // Said plainly at start: uploads fail closed without a scanner.
  if (!scanner.configured)
    logger.warn(
      `CLAMD_URL is not set: uploads are refused (503) until it points at a clamd. ${SCANNER_UNCONFIGURED}`,
    );
  const writer = createMediaWriter({ appender, log });
  return {
    projections: [
      mediaFilesProjection,
      mediaReleaseReactor({ store }),
      mediaChatReactor({ media: writer, findPost: postFromLog(log) }),
      mediaErasureReactor({ media: writer }),
    ] as unknown as Projector[],
    store,
    scanner,
    routes: (deps) => {
      const kit = { deps, writer, store, scanner, config, setProfileImage, logger, ffmpeg: config.ffmpeg };
      const app = mediaRoutes(kit);
      fileRoutes(app, kit);
      albumRoutes(app, kit);
      return app;
    },
  };
}

function observed(
  scanner: Scanner,
  onScan?: (verdict: 'clean' | 'infected' | 'unavailable') => void,
): Scanner {
  if (!onScan) return scanner;
  return {
    configured: scanner.configured,
    ping: () => scanner.ping(),
    scan: async (path) => {
      try {
        const result = await scanner.scan(path);
        onScan(result.clean ? 'clean' : 'infected');
        return result;
      } catch (err) {
        onScan('unavailable');
        throw err;
      }
    },
  };
}
