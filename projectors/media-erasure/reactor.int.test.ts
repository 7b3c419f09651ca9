// The media_erasure reactor on real NATS (the Object Store) and Postgres: a member's erasure
// deletes every file they own as Hearth, the bytes only they pointed at go, the bytes another
// member's upload shares stay; and acting on the same erasure again deletes nothing twice.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaEvent } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { MediaEventSchema } from '../../contracts/gen/hearth/media/v1/events_pb.ts';
import { type TestUploadKind, uploadFile } from '../../test/media-uploads.ts';
import { openTestRuntime, type TestRuntime } from '../../test/runtime.ts';
import { type CommandMeta, createAppender } from '../../writers/log/append.ts';
import { decodeEnvelope, decodeEvent } from '../../writers/log/decode.ts';
import { erasureAggregate } from '../../writers/log/erasure.ts';
import { type BlobStore, openBlobStore } from '../../writers/media/blobs.ts';
import { createMediaWriter, type MediaWriter } from '../../writers/media/commands.ts';
import { MEDIA_FILES, mediaFilesProjection } from '../media-files/projection.ts';
import { MEDIA_RELEASE, mediaReleaseReactor } from '../media-release/reactor.ts';
import type { ProjectorRunner } from '../runtime/runner.ts';
import type { AnyProjection, StoredEvent } from '../runtime/types.ts';
import { MEDIA_ERASURE, mediaErasureReactor } from './reactor.ts';

let rt: TestRuntime;
let runner: ProjectorRunner;
let store: BlobStore;
let media: MediaWriter;
let work: string;
let bytes: string;

const meta = (actorId: string): CommandMeta => ({
  commandId: randomUUID(),
  actorId,
  correlationId: 'test',
  now: new Date(),
});
const stream = () => rt.log.names.stream('media');
const lastSeq = async () => (await rt.log.jsm.streams.info(stream())).state.last_seq;

const upload = (fileId: string, owner: string, n: number, kind: TestUploadKind) =>
  uploadFile({ media, fileId, owner, n, kind, meta: meta(owner), bytes: { store, path: bytes } });

/** The reactor, then the read model and the release after what it issued. */
async function settled() {
  for (const name of [MEDIA_FILES, MEDIA_ERASURE, MEDIA_FILES, MEDIA_RELEASE])
    expect(await runner.waitFor(name, await lastSeq(), 10_000)).toBe(true);
}

/** Every FileDeleted on the log: which file, by whom, as whom. */
async function deletions(): Promise<{ fileId: string; deletedBy: string; actor: string }[]> {
  const out: { fileId: string; deletedBy: string; actor: string }[] = [];
  for (let seq = 1; seq <= (await lastSeq()); seq++) {
    const msg = await rt.log.jsm.direct.getMessage(stream(), { seq });
    if (!msg) continue;
    const { event, metadata } = decodeEnvelope(MediaEventSchema, msg.data);
    if (event.case === 'fileDeleted')
      out.push({
        fileId: event.value.fileId,
        deletedBy: event.value.deletedBy,
        actor: metadata?.actorId ?? '',
      });
  }
  return out;
}

let erasure: StoredEvent<MediaEvent>;

beforeAll(async () => {
  rt = await openTestRuntime();
  work = await mkdtemp(path.join(tmpdir(), 'hearth-media-erasure-'));
  bytes = path.join(work, 'bytes');
  await writeFile(bytes, 'bytes');
  store = await openBlobStore({ spec: 'nats', nc: rt.log.nc, names: rt.log.names });
  media = createMediaWriter({ appender: createAppender({ log: rt.log }), log: rt.log });
  runner = await rt.runner([
    mediaFilesProjection,
    mediaReleaseReactor({ store }),
    mediaErasureReactor({ media }),
  ] as unknown as AnyProjection[]);
  await upload('ann-photo', 'ann', 1, 'photo');
  await upload('bob-photo', 'bob', 1, 'photo');
  await upload('ann-file', 'ann', 2, 'attachment');
  await upload('ann-avatar', 'ann', 3, 'avatar');
  await media.changeAvatar({ memberId: 'ann', fileId: 'ann-avatar', url: 'https://x/ann' }, meta('ann'));
  await upload('ann-gone', 'ann', 4, 'photo');
  await media.onBlob(
    {
      type: 'delete',
      fileId: 'ann-gone',
      sha256: (4).toString(16).padStart(64, '0'),
      by: 'ann',
      mayManage: false,
    },
    meta('ann'),
  );
  await settled();
}, 60_000);
afterAll(async () => {
  await rt?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a member's erasure in media", () => {
  it('deletes each live file of theirs as Hearth, and only the bytes no one else points at', async () => {
    await rt.log.keys.erase('ann');
    const { seq } = await createAppender({ log: rt.log }).append({
      type: erasureAggregate('media'),
      id: 'ann',
      command: { memberId: 'ann', requestedBy: 'admin', requestedAtMs: Date.now() },
      meta: meta('admin'),
    });
    const msg = await rt.log.jsm.direct.getMessage(stream(), { seq });
    erasure = decodeEvent('media', stream(), {
      seq,
      subject: msg?.subject ?? '',
      data: msg?.data ?? new Uint8Array(),
    }) as StoredEvent<MediaEvent>;
    await settled();
    const system = { deletedBy: '', actor: '' };
    expect(await deletions()).toEqual([
      { fileId: 'ann-gone', deletedBy: 'ann', actor: 'ann' },
      { fileId: 'ann-photo', ...system },
      { fileId: 'ann-file', ...system },
      { fileId: 'ann-avatar', ...system },
    ]);
    const { rows } = await sql<{ file_id: string }>`
      SELECT file_id FROM media_files.files WHERE deleted_seq IS NULL ORDER BY file_id`.execute(rt.db);
    expect(rows.map((r) => r.file_id)).toEqual(['bob-photo']);
    expect(await store.has('key-1')).toBe(true);
    for (const key of ['key-2', 'key-2.thumb', 'key-3', 'key-3.thumb'])
      expect(await store.has(key)).toBe(false);
    expect((await sql`SELECT 1 FROM media_files.avatars`.execute(rt.db)).rows).toEqual([]);
  });

  it('deletes an upload of theirs that was in flight when they were erased', async () => {
    await upload('ann-late', 'ann', 9, 'photo');
    await settled();
    expect((await deletions()).filter((d) => d.fileId === 'ann-late')).toEqual([
      { fileId: 'ann-late', deletedBy: '', actor: '' },
    ]);
    expect(await store.has('key-9')).toBe(false);
  });

  it('acts on the same erasure again without deleting anything twice, even from a stale read model', async () => {
    const before = await lastSeq();
    // As if media_files had not applied one of the deletions yet when the batch came again.
    await sql`UPDATE media_files.files SET deleted_seq = NULL WHERE file_id = 'ann-file'`.execute(rt.db);
    // A command id of its own: past the ledger, the writer itself finds the file gone.
    const issue = ((input: { run: (meta: CommandMeta) => Promise<unknown> }) => input.run(meta(''))) as never;
    const reactor = mediaErasureReactor({ media });
    await reactor.react([erasure], { db: rt.db, logger: pino({ level: 'silent' }), issue });
    expect(await lastSeq()).toBe(before);
    const parked = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM hearth.dead_letters WHERE read_model = ${MEDIA_ERASURE}`.execute(rt.db);
    expect(parked.rows[0]?.n).toBe(0);
  });
});
