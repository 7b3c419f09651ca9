import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('the generated contracts', () => {
  it('match what buf generates from the protobuf sources (nobody hand-edits contracts/gen)', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'hearth-gen-'));
    try {
      await run(path.join(root, 'node_modules/.bin/buf'), ['generate', '-o', out], { cwd: root });
      const fresh = path.join(out, 'contracts/gen');
      const committed = path.join(root, 'contracts/gen');
      expect(await files(fresh)).toEqual(await files(committed));
      for (const f of await files(committed)) {
        expect(await readFile(path.join(fresh, f), 'utf8'), f).toBe(
          await readFile(path.join(committed, f), 'utf8'),
        );
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
