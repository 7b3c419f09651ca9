#!/usr/bin/env node
// `npm run build:server`: the hub compiled ahead of time, so production runs `node
// dist/edge/main.js` and loads no TypeScript compiler. tsc (tsconfig.build.json) emits edge/,
// writers/, projectors/ and contracts/ with their relative `.ts` imports rewritten to `.js`;
// this copies beside them every other file of those folders (not tests or fixtures), since the
// hub may read any at run time (the audit hash worker, JSON, protos), and the built SPA
// (`npm run build`), which edge/http/static.ts finds at ../../ui/dist from its own file, in the
// source tree and in dist.
//
// --out <dir>   where to write (default dist); relative to the repository. It is emptied
//               first, so it must not exist, be empty, or be an earlier build (its MARKER file).
// --no-check    emit without type checking (the typecheck runs on its own: `npm run typecheck`)
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } },
});
const out = path.resolve(root, values.out);
const SOURCES = ['edge', 'writers', 'projectors', 'contracts'];
/** What tsc compiles; everything else is copied as it is. */
const COMPILED = /\.[cm]?tsx?$/;
/** Written into every build, so that a rebuild knows the folder it empties is one. */
const MARKER = '.hearth-build-server';
/** Never part of the hub: tests and their fixtures (tsconfig.build.json leaves them out too). */
const TEST_ONLY = /\.(test|fixture)\.[cm]?[jt]s$|(^|\/)fixtures\//;

// The output is emptied first: only a folder that is new, empty or an earlier build, and
// never inside one of the repository's tracked folders (`--out edge` would delete sources).
const refusal = await outRefusal();
if (refusal) {
  process.stderr.write(`build:server: --out ${values.out} ${refusal}; choose a folder of its own\n`);
  process.exit(2);
}
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await writeFile(path.join(out, MARKER), 'bin/build-server.mjs empties this folder on every build\n');
const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(root, 'tsconfig.build.json'),
    '--outDir',
    out,
    ...(values['no-check'] ? ['--noCheck'] : []),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const dir of SOURCES) {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    if (!e.isFile() || COMPILED.test(e.name) || TEST_ONLY.test(rel)) continue;
    await cp(path.join(root, rel), path.join(out, rel));
    copied++;
  }
}
const ui = path.join(root, 'ui/dist');
const hasUi = await stat(ui).then(
  (s) => s.isDirectory(),
  () => false,
);
if (hasUi) await cp(ui, path.join(out, 'ui/dist'), { recursive: true });
process.stdout.write(
  `built ${path.relative(root, out).startsWith('..') ? out : path.relative(root, out)}: ${copied} asset(s) copied, ${hasUi ? 'with' : 'without (run `npm run build` first)'} the SPA\n`,
);

/** Why `out` may not be emptied, or undefined when it may. */
async function outRefusal() {
  const rel = path.relative(root, out);
  if (rel === '' || !path.relative(out, root).startsWith('..')) return 'would hold the sources';
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    const first = rel.split(path.sep)[0];
    const isDir = await stat(path.join(root, first)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // Without git (the image's build stage has no .git), any existing folder counts as tracked
    // unless it is the output itself.
    const git = spawnSync('git', ['ls-files', '--', first], { cwd: root, encoding: 'utf8' });
    const tracked = git.status === 0 ? git.stdout.trim() !== '' : isDir && first !== rel;
    if (tracked) return `lies in ${first}/, a folder of the repository`;
  }
  const entries = await readdir(out).catch((e) => (e.code === 'ENOENT' ? [] : undefined));
  if (!entries) return 'is not a folder';
  if (entries.length > 0 && !entries.includes(MARKER)) return `is not empty and holds no ${MARKER}`;
  return undefined;
}
