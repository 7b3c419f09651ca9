// bin/build-server.mjs empties its output folder before building: it must refuse any folder
// that is not new, empty or an earlier build of its own, and any inside the repository's
// tracked folders; and it copies every file of the compiled folders that tsc does not emit.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let scratch: string;

const build = (out: string) =>
  spawnSync(process.execPath, ['bin/build-server.mjs', '--out', out, '--no-check'], {
    cwd: root,
    encoding: 'utf8',
  });

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'hearth-build-server-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('build:server’s output folder', () => {
  it.each([
    ['the repository', '.'],
    ['a folder holding the repository', '..'],
    ['a tracked folder', 'edge'],
    ['a folder inside a tracked folder', 'writers/out'],
    ['git’s folder', '.git'],
  ])('refuses %s and deletes nothing', (_, out) => {
    const run = build(out);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/choose a folder of its own/);
  });

  it('refuses a folder that holds files of something else', async () => {
    const other = path.join(scratch, 'other');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'mine');
    const run = build(other);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not empty/);
    expect(await readFile(path.join(other, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('rebuilds over an earlier build, with every non-TypeScript file of the compiled folders', async () => {
    const out = path.join(scratch, 'dist');
    expect(build(out).status).toBe(0);
    await writeFile(path.join(out, 'stale.js'), '');
    const again = build(out);
    expect(again.status, again.stderr).toBe(0);
    const files = (await readdir(out, { recursive: true })).map(String);
    expect(files).not.toContain('stale.js');
    expect(files).toEqual(
      expect.arrayContaining([
        '.hearth-build-server',
        'edge/main.js',
        path.join('writers/audit/hash-worker.mjs'),
        path.join('contracts/catalog.comments.json'),
        path.join('projectors/play-scores/README.md'),
      ]),
    );
    expect(files.filter((f) => /\.[cm]?tsx?$|\.test\.|\.fixture\./.test(f))).toEqual([]);
  }, 120_000);
});
