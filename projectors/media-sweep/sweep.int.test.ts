// No stored bytes stay forever, on real NATS (the Object Store) and Postgres: a deletion
// releases its key in the same event and the release reactor removes the bytes; a release left
// pending by an older log heals when asked again; and the sweeper removes what a crash left
// unreferenced (a put never appended, a lone thumbnail), never what an upload points at. The
// crashes are simulated by calling the pieces (a put with no append), not by killing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileDeletedSchema,
  FileUploadedSchema,
  MediaEventSchema,
} from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { eventually } from '../../test/hub.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { encodeSealed } from '../../test/sealed.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { decodeEnvelope } from '../../writers/log/decode.ts';
import { eventHeaders } from '../../writers/log/encode.ts';
import { blobIdOf } from '../../writers/media/blob.ts';
import { type BlobStore, openBlobStore } from '../../writers/media/blobs.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import type { BlobInfo } from '../../writers/media/state.ts';
import { MEDIA_FILES, mediaFilesProjection } from '../media-files/projection.ts';
import { mediaReleaseReactor } from '../media-release/reactor.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection } from '../runtime/types.ts';
import { MEDIA_SWEEP_LOCK, type SweepDeps, sweepUnreferenced } from './sweep.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let store: BlobStore;
let writer: MediaWriter;
let work: string;
let source: string;

const GRACE_MS = 60 * 60_000;
const later = () => new Date(Date.now() + GRACE_MS + 1000);
const meta = (): CommandMeta => ({
  commandId: randomUUID(),
  actorId: 'ann',
  correlationId: 'test',
  now: new Date(),
});
const info: BlobInfo = {
  contentType: 'image/jpeg',
  storedBytes: 5,
  width: 1,
  height: 1,
  hasThumbnail: true,
  thumbnailNote: '',
  locationStripped: false,
};
const sha = (n: number) => n.toString(16).padStart(64, '0');
const deps = (over: Partial<SweepDeps> = {}): SweepDeps => ({
  pool: rt.pool,
  store,
  log: rt.log,
  status: () => runner.status(),
  graceMs: GRACE_MS,
  logger: pino({ level: 'silent' }),
  ...over,
});

/** A FileUploaded straight onto the log, past the decider, with a width no integer column holds. */
async function uploadedUnstorable(fileId: string, n: number): Promise<{ key: string; seq: number }> {
  const key = randomUUID();
  await store.put(key, source);
  await store.put(`${key}.thumb`, source);
  const event = {
    case: 'fileUploaded' as const,
    value: create(FileUploadedSchema, {
      fileId,
      sha256: sha(n),
      storageKey: key,
      ownerId: 'ann',
      kind: 'photo',
      contentType: 'image/jpeg',
      fileName: 'a.jpg',
      sizeBytes: 5n,
      storedBytes: 5n,
      width: 3_000_000_000,
      height: 1,
      hasThumbnail: true,
      stored: true,
      blobId: blobIdOf(sha(n), false),
    }),
  };
  const m = meta();
  const ack = await rt.log.js.publish(
    rt.log.names.media.blob(blobIdOf(sha(n), false)),
    await encodeSealed(rt.log, MediaEventSchema, event, m),
    { headers: eventHeaders(event, m) },
  );
  return { key, seq: ack.seq };
}

/** An upload as upload.ts makes it: original and thumbnail put, then appended. */
async function uploaded(
  fileId: string,
  n: number,
  over: Partial<BlobInfo> = {},
): Promise<{ key: string; seq: number }> {
  const key = randomUUID();
  await store.put(key, source);
  await store.put(`${key}.thumb`, source);
  const { seq } = await writer.onBlob(
    {
      type: 'upload',
      fileId,
      sha256: sha(n),
      blobId: blobIdOf(sha(n), false),
      ownerId: 'ann',
      kind: 'photo',
      fileName: 'a.jpg',
      sizeBytes: 5,
      key,
      info: { ...info, ...over },
    },
    meta(),
  );
  return { key, seq };
}

const caughtUp = async (seq: number) => {
  expect(await runner.waitFor(MEDIA_FILES, seq, 5000)).toBe(true);
};
const gone = (key: string) =>
  eventually(async () => ((await store.has(key)) || (await store.has(`${key}.thumb`)) ? undefined : true), {
    what: `${key} removed`,
  });

beforeAll(async () => {
  rt = await openTestRuntime();
  work = await mkdtemp(path.join(tmpdir(), 'hearth-sweep-'));
  source = path.join(work, 'bytes');
  await writeFile(source, 'bytes');
  store = await openBlobStore({ spec: 'nats', nc: rt.log.nc, names: rt.log.names });
  writer = createMediaWriter({ appender: createAppender({ log: rt.log }), log: rt.log });
  runner = await rt.runner([
    mediaFilesProjection,
    mediaReleaseReactor({ store }),
  ] as unknown as AnyProjection[]);
}, 60_000);
afterAll(async () => {
  await rt?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('deleting the last upload of some bytes', () => {
  it('releases the key in the deletion itself (one event), and the bytes go', async () => {
    const { key } = await uploaded('d1', 1);
    const before = (await rt.log.jsm.streams.info(rt.log.names.stream('media'))).state.last_seq;
    const { seq, appended } = await writer.onBlob(
      { type: 'delete', fileId: 'd1', sha256: sha(1), by: 'ann', mayManage: false },
      meta(),
    );
    expect(appended).toBe(1);
    expect(seq).toBe(before + 1);
    const m = await rt.log.jsm.direct.getMessage(rt.log.names.stream('media'), { seq });
    if (!m) throw new Error('no deletion on the log');
    const { event } = decodeEnvelope(MediaEventSchema, m.data);
    expect(event).toMatchObject({ case: 'fileDeleted', value: { fileId: 'd1', releasedKey: key } });
    await gone(key);
    expect((await writer.blob(sha(1))).key).toBeNull();
  });

  it('heals a release an older log left pending, when the deletion is asked again', async () => {
    const { key } = await uploaded('d2', 2);
    // As a hub before this change wrote it: the deletion alone, the release lost to a crash.
    await rt.log.js.publish(
      rt.log.names.media.blob(sha(2)),
      await encodeSealed(
        rt.log,
        MediaEventSchema,
        {
          case: 'fileDeleted',
          value: create(FileDeletedSchema, { fileId: 'd2', sha256: sha(2), deletedBy: 'ann' }),
        },
        meta(),
      ),
    );
    expect(await store.has(key)).toBe(true);
    await writer.onBlob(
      { type: 'delete', fileId: 'd2', sha256: sha(2), by: 'ann', mayManage: false },
      meta(),
    );
    await gone(key);
  });

  it('finds the location-stripped variant that holds the file', async () => {
    const key = randomUUID();
    await store.put(key, source);
    const sha256 = sha(3);
    await writer.onBlob(
      {
        type: 'upload',
        fileId: 'd3',
        sha256,
        blobId: blobIdOf(sha256, true),
        ownerId: 'ann',
        kind: 'photo',
        fileName: 'a.jpg',
        sizeBytes: 5,
        key,
        info: { ...info, hasThumbnail: false, locationStripped: true },
      },
      meta(),
    );
    await writer.onBlob({ type: 'delete', fileId: 'd3', sha256, by: 'ann', mayManage: false }, meta());
    await gone(key);
  });
});

describe('the sweeper', () => {
  it('removes bytes no upload points at once past the grace period, and keeps every referenced key', async () => {
    const kept = await uploaded('s1', 10);
    // A crash between the put and the append: the bytes were never referenced.
    const orphan = randomUUID();
    await store.put(orphan, source);
    // A thumbnail put, then the original's removal failed too: a lone thumbnail.
    const loneThumb = `${randomUUID()}.thumb`;
    await store.put(loneThumb, source);
    await caughtUp(kept.seq);

    // Too young yet: a put whose append is still on its way looks the same.
    expect(await sweepUnreferenced(deps())).toEqual({ removed: [], leftovers: 0 });
    expect(await store.has(orphan)).toBe(true);

    const outcome = await sweepUnreferenced(deps(), later());
    expect(outcome).toHaveProperty('removed');
    const removed = 'removed' in outcome ? outcome.removed : [];
    expect(removed).toEqual(expect.arrayContaining([orphan, loneThumb]));
    expect(removed).not.toContain(kept.key);
    expect(removed).not.toContain(`${kept.key}.thumb`);
    expect(await store.has(orphan)).toBe(false);
    expect(await store.has(loneThumb)).toBe(false);
    expect(await store.has(kept.key)).toBe(true);
    expect(await store.has(`${kept.key}.thumb`)).toBe(true);
  });

  it('sweeps nothing while media_files is behind the stream or has parked events', async () => {
    const orphan = randomUUID();
    await store.put(orphan, source);
    const [files] = (await runner.status()).filter((s) => s.name === MEDIA_FILES);
    if (!files) throw new Error('no media_files');
    const behind = async () => [{ ...files, lastSeq: files.streamLastSeq - 1 }];
    expect(await sweepUnreferenced(deps({ status: behind }), later())).toEqual({
      skipped: 'media_files is behind the MEDIA stream',
      leftovers: 0,
    });
    const parked = async () => [{ ...files, lastSeq: files.streamLastSeq, deadLetters: 1 }];
    expect(await sweepUnreferenced(deps({ status: parked }), later())).toEqual({
      skipped: 'media_files has parked events',
      leftovers: 0,
    });
    expect(await store.has(orphan)).toBe(true);
  });

  it('leaves the round to the process that holds its lock', async () => {
    const other = await rt.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [MEDIA_SWEEP_LOCK]);
      expect(await sweepUnreferenced(deps(), later())).toEqual({
        skipped: 'another process is sweeping',
        leftovers: 0,
      });
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [MEDIA_SWEEP_LOCK]);
    } finally {
      other.release();
    }
    expect(await sweepUnreferenced(deps(), later())).toHaveProperty('removed');
  });

  it('keeps a key whose upload an admin skipped as a dead letter: its blob aggregate still holds it', async () => {
    // A FileUploaded media_files cannot apply (a width past its integer column, which the
    // decider never writes: put on the log by hand, as an older release might have): parked,
    // then skipped.
    const { key, seq } = await uploadedUnstorable('k1', 20);
    await caughtUp(seq);
    const [letter] = await runner.deadLetters.list({ readModel: MEDIA_FILES, status: 'parked' });
    if (!letter) throw new Error('the upload was not parked');
    expect(letter.seq).toBe(seq);
    await runner.deadLetters.resolve({ id: letter.id, action: 'skip', by: 'admin' });
    expect((await writer.blob(sha(20))).key).toBe(key);
    const { rows } = await rt.pool.query('SELECT 1 FROM media_files.files WHERE storage_key = $1', [key]);
    expect(rows).toEqual([]);

    const orphan = randomUUID();
    await store.put(orphan, source);
    const outcome = await sweepUnreferenced(deps(), later());
    const removed = 'removed' in outcome ? outcome.removed : [];
    expect(removed).toContain(orphan);
    expect(removed).not.toContain(key);
    expect(removed).not.toContain(`${key}.thumb`);
    expect(await store.has(key)).toBe(true);
    expect(await store.has(`${key}.thumb`)).toBe(true);

    // A skipped event the log no longer has: nothing tells whose key is live, so no round.
    const other = randomUUID();
    await store.put(other, source);
    const { rows: added } = await rt.pool.query<{ id: string }>(
      `INSERT INTO hearth.dead_letters (read_model, stream, seq, subject, type, error, status)
       VALUES ($1, $2, $3, 'x', 'x', 'x', 'skipped') RETURNING id`,
      [MEDIA_FILES, rt.log.names.stream('media'), seq + 1_000_000],
    );
    expect(await sweepUnreferenced(deps(), later())).toEqual({
      skipped: 'a skipped media_files event is no longer on the log',
      leftovers: 0,
    });
    expect(await store.has(other)).toBe(true);
    await rt.pool.query('DELETE FROM hearth.dead_letters WHERE id = $1', [added[0]?.id]);
    expect(await sweepUnreferenced(deps(), later())).toMatchObject({ removed: [other] });
    expect(await store.has(key)).toBe(true);
  });

  it('removes chunks a put that died midway left (no metadata names them), even while media_files lags', async () => {
    const bucket = rt.log.names.kvBucket('media');
    const stray = `$O.${bucket}.C.straynuid${randomUUID().replaceAll('-', '')}`;
    await jetstream(rt.log.nc).publish(stray, new Uint8Array(1024));
    const strays = async () =>
      (await rt.log.jsm.streams.info(`OBJ_${bucket}`, { subjects_filter: stray })).state.subjects?.[stray] ??
      0;
    expect(await strays()).toBe(1);
    // Too young: a put under way looks the same.
    expect(await sweepUnreferenced(deps())).toMatchObject({ leftovers: 0 });
    expect(await strays()).toBe(1);

    const [files] = (await runner.status()).filter((s) => s.name === MEDIA_FILES);
    if (!files) throw new Error('no media_files');
    const behind = async () => [{ ...files, lastSeq: files.streamLastSeq - 1 }];
    expect(await sweepUnreferenced(deps({ status: behind }), later())).toEqual({
      skipped: 'media_files is behind the MEDIA stream',
      leftovers: 1,
    });
    expect(await strays()).toBe(0);
  });
});
