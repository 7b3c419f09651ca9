// Which streams a backup takes, and the checksum file a restore checks first.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChecksums, writeChecksums } from './checksums.ts';
import { streamsOfNamespace } from './streams.ts';

describe('the streams of a namespace', () => {
  it('are its domain streams, its KV buckets and its Object Store, in production', () => {
    const mine = streamsOfNamespace('');
    for (const s of [
      'IDENTITY',
      'AUDIT',
      'PREFERENCES',
      'KV_hearth_keys',
      'KV_hearth_ledger',
      'OBJ_hearth_media',
    ])
      expect(mine(s), s).toBe(true);
    // Another namespace's on the same server, and streams that are not Hearth's.
    for (const s of [
      'T1A2B_IDENTITY',
      'KV_T1A2B_hearth_keys',
      'OBJ_T1A2B_hearth_media',
      'ORDERS',
      'KV_other',
    ])
      expect(mine(s), s).toBe(false);
  });

  it('are only its own under a namespace', () => {
    const mine = streamsOfNamespace('t1a2b');
    expect(mine('T1A2B_CHAT')).toBe(true);
    expect(mine('KV_T1A2B_hearth_keys')).toBe(true);
    expect(mine('OBJ_T1A2B_hearth_media')).toBe(true);
    expect(mine('CHAT')).toBe(false);
    expect(mine('KV_hearth_keys')).toBe(false);
    expect(mine('T1A2BC_CHAT')).toBe(false);
  });
});

describe('the checksum file', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const backup = async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-sums-'));
    await mkdir(path.join(dir, 'streams'));
    await writeFile(path.join(dir, 'manifest.json'), '{}');
    await writeFile(path.join(dir, 'streams', 'CHAT.snap'), 'chunks');
    await writeChecksums(dir);
  };

  it('verifies a backup as written', async () => {
    await backup();
    expect(await verifyChecksums(dir)).toEqual([]);
  });

  it('names a changed file, a missing one and one added', async () => {
    await backup();
    await writeFile(path.join(dir, 'streams', 'CHAT.snap'), 'chunkz');
    await rm(path.join(dir, 'manifest.json'));
    await writeFile(path.join(dir, 'streams', 'EXTRA.snap'), 'x');
    expect((await verifyChecksums(dir)).sort()).toEqual([
      'manifest.json: missing',
      'streams/CHAT.snap: checksum differs',
      'streams/EXTRA.snap: not in SHA256SUMS',
    ]);
  });

  it('refuses a backup without one', async () => {
    await backup();
    await rm(path.join(dir, 'SHA256SUMS'));
    expect(await verifyChecksums(dir)).toEqual(['SHA256SUMS is missing']);
  });
});
